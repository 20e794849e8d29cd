/**
 * What a running emulator enforces (its limit mechanism and its GPUs), recorded in the state dir at start so
 * `mfbatch emulator status` can report it without asking the server.
 */
import * as fs from 'node:fs'
import path from 'node:path'

import type {GpuInventory} from './gpus/inventory'
import type {MechanismName} from './limits/types'

export interface FidelityReport {
  gpus: GpuInventory
  limits: {description: string; mechanism: MechanismName; unavailable: string[]}
  /** How attempts run: `process` or `docker` (absent in a report written before runtimes existed). */
  runtime?: string
}

const FILE = 'fidelity.json'

export function writeFidelity(stateDir: string, report: FidelityReport): void {
  fs.writeFileSync(path.join(stateDir, FILE), `${JSON.stringify(report, null, 2)}\n`, {mode: 0o600})
}

export function readFidelity(stateDir: string): FidelityReport | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, FILE), 'utf8')) as FidelityReport
  } catch {
    return undefined
  }
}
