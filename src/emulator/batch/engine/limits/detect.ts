/**
 * Which limit mechanism this emulator gets: cgroup v2 where this process's group can delegate the memory
 * controller, else cgroup v1's memory controller, else the /proc watchdog. MFBATCH_EMULATOR_LIMITS forces one (a
 * forced one the machine cannot give is an error, so a test never silently runs under another).
 */
import * as fs from 'node:fs'

import {cgroupV1, v1Unavailable} from './cgroup-v1'
import {cgroupV2, v2Unavailable} from './cgroup-v2'
import {noLimits} from './none'
import {LimitMechanism, MECHANISM_NAMES, MechanismName} from './types'
import {watchdog} from './watchdog'

export const LIMITS_ENV = 'MFBATCH_EMULATOR_LIMITS'

const watchdogUnavailable = (): string | undefined =>
  fs.existsSync('/proc/self/stat') ? undefined : 'no /proc to read processes from'

/** Why each mechanism cannot be had here (undefined: it can), without making anything. */
export function availability(): Record<MechanismName, string | undefined> {
  return {
    'cgroup-v1': v1Unavailable(),
    'cgroup-v2': v2Unavailable(),
    none: undefined,
    watchdog: watchdogUnavailable(),
  }
}

/** The mechanism a start would pick, by name, and why the better ones are out; makes nothing. */
export function expectedMechanism(env: NodeJS.ProcessEnv = process.env): {name: MechanismName; skipped: string[]} {
  const forced = forcedName(env)
  if (forced) return {name: forced, skipped: []}
  const why = availability()
  const skipped: string[] = []
  for (const name of MECHANISM_NAMES) {
    if (why[name] === undefined) return {name, skipped}
    skipped.push(`${name}: ${why[name]}`)
  }

  return {name: 'none', skipped}
}

function forcedName(env: NodeJS.ProcessEnv): MechanismName | undefined {
  const value = env[LIMITS_ENV]
  if (value === undefined || value === '') return undefined
  if (!(MECHANISM_NAMES as readonly string[]).includes(value))
    throw new Error(`${LIMITS_ENV}=${value} is not a limit mechanism; use one of ${MECHANISM_NAMES.join(', ')}`)
  return value as MechanismName
}

function build(name: MechanismName, stateDir: string): LimitMechanism | string {
  switch (name) {
    case 'cgroup-v1': {
      return cgroupV1(stateDir)
    }

    case 'cgroup-v2': {
      return cgroupV2(stateDir)
    }

    case 'none': {
      return noLimits()
    }

    case 'watchdog': {
      return watchdogUnavailable() ?? watchdog()
    }
  }
}

/**
 * Makes this emulator's mechanism (cleaning what an earlier one of this state dir left behind); `skipped` says
 * why each better one could not be had, for one line on stderr.
 */
export function detectLimits(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): {mechanism: LimitMechanism; skipped: string[]} {
  const forced = forcedName(env)
  if (forced) {
    const made = build(forced, stateDir)
    if (typeof made === 'string') throw new Error(`${LIMITS_ENV}=${forced}, but this machine cannot: ${made}`)
    return {mechanism: made, skipped: []}
  }

  const skipped: string[] = []
  for (const name of MECHANISM_NAMES) {
    const made = build(name, stateDir)
    if (typeof made !== 'string') return {mechanism: made, skipped}
    skipped.push(`${name}: ${made}`)
  }

  return {mechanism: noLimits(), skipped}
}
