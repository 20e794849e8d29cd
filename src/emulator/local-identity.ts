/**
 * Which emulator `--local` means: its state dir and port. Light on purpose: the history (`last`) of every command
 * asks it, so it reads two small files and loads nothing of the emulator's server or daemon code.
 */
import {readFileSync, realpathSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {InputError} from '../errors'
import {EMULATOR_DEFAULT_PORT, PORT_ENV} from './contract'
import {readInstance} from './instance-lock'
import {isSameLiveProcess} from './liveness'

/** `$XDG_DATA_HOME/mfbatch/emulator`, else `~/.local/share/mfbatch/emulator` (the XDG base directory default). */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const data = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(data, 'mfbatch', 'emulator')
}

/**
 * Which emulator `--local` means, as the history keys it: its state dir (the real path, however it is reached) and
 * its port (where it runs, from its lock or pid file, else where --local would start it). Reads two small files.
 */
export function localEmulatorIdentity(env: Readonly<Record<string, string | undefined>> = process.env): {
  port: number
  stateDir: string
} {
  const dir = defaultStateDir(env)
  let stateDir = resolve(dir)
  try {
    stateDir = realpathSync(dir)
  } catch {
    // Not made yet: its path as written.
  }

  let port: number | undefined
  try {
    port = readInstance(dir)?.port ?? recordedDaemonPort(dir)
  } catch {
    port = undefined
  }

  if (port === undefined) {
    try {
      port = localEmulatorPort(env)
    } catch {
      // A bad MFBATCH_EMULATOR_PORT is --local's error to report, not the history's.
      port = EMULATOR_DEFAULT_PORT
    }
  }

  return {port, stateDir}
}

/** The port of the local emulator: MFBATCH_EMULATOR_PORT when set, else the documented default. */
export function localEmulatorPort(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[PORT_ENV]
  if (raw === undefined || raw === '') return EMULATOR_DEFAULT_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InputError(`${PORT_ENV}: ${JSON.stringify(raw)} is not allowed; use a port number from 1 to 65535`)
  }

  return port
}

/** The port in the background emulator's pid file (daemon.ts), when its process still runs. */
function recordedDaemonPort(stateDir: string): number | undefined {
  const record = JSON.parse(readFileSync(join(stateDir, 'emulator.pid'), 'utf8')) as {
    pid?: unknown
    pidStartTime?: string
    port?: unknown
  }
  if (typeof record.pid !== 'number' || typeof record.port !== 'number') return undefined
  return isSameLiveProcess(record.pid, record.pidStartTime) ? record.port : undefined
}
