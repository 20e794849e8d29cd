/**
 * Sizes of memory and storage (`--memory`, `--shared-memory`, `--max-swap`, `--tmpfs-size`, `--ephemeral-storage`):
 * a plain number in the setting's own unit (MiB, or GiB for ephemeral storage, as AWS Batch takes them), or a
 * number with a unit: `4GiB`, `512MiB`, `4g`, `512m`, `1.5G`.
 *
 * Units are read the way `docker run --memory` reads them: k, m, g, t in any case, with or without `i` and `b`,
 * all powers of 1024. So `4GB` is 4 GiB, not 4 x 10^9 bytes: that is what Docker users mean by it, and the decimal
 * reading would give 3814.697 MiB, which AWS Batch cannot take (it wants whole MiB). Refusing `4GB` would only send
 * the user back to retype it.
 */
import type {Sourced} from '../../config/types'

import {invalid} from '../../errors'
import {text} from './values'

export type SizeUnit = 'GiB' | 'MiB'

const POWERS: Record<string, number> = {g: 3, k: 1, m: 2, t: 4}
const MIB_POWER: Record<SizeUnit, number> = {GiB: 3, MiB: 2}

/** `4`, `4.5`, then an optional unit: `G`, `g`, `GB`, `GiB`, `gib`, ... */
const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgt])i?b?)?$/i

/** Whether text reads as a size (a number with or without a unit), whatever its range: for `mfbatch config`. */
export function isSize(raw: string): boolean {
  return SIZE.test(raw.trim())
}

export interface SizeRange {
  max?: number
  min: number
}

export interface ReadSize {
  /** Whether the value was a bare number, so taken in `unit` without being asked (see plainBelow). */
  plain: boolean
  value: number
}

/** What is allowed, for errors: "use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB". */
export function sizeAllowed(unit: SizeUnit, range: SizeRange): string {
  const count =
    range.max === undefined
      ? range.min === 0
        ? `a whole number of ${unit} (0 or more)`
        : `a whole number of ${unit} greater than ${range.min - 1}`
      : `a whole number of ${unit} from ${range.min} to ${range.max}`
  const examples = unit === 'MiB' ? '4GiB or 512MiB' : '50GiB or 51200MiB'
  return `use ${count} or a size such as ${examples}`
}

/** Reads a size into a whole number of `unit`; undefined when unset. Throws an InputError naming the source. */
export function size(s: Sourced | undefined, unit: SizeUnit, range: SizeRange, note = ''): ReadSize | undefined {
  const allowed = sizeAllowed(unit, range) + note
  const raw = text(s, allowed)
  if (raw === undefined) return undefined
  const match = SIZE.exec(raw.trim())
  if (!match) throw invalid(s!.origin.label, s!.value, allowed)
  const [, digits, letter] = match
  const value = letter === undefined ? Number(digits) : inUnit(digits, POWERS[letter.toLowerCase()], unit)
  const ok = Number.isSafeInteger(value) && value >= range.min && (range.max === undefined || value <= range.max)
  if (!ok) throw invalid(s!.origin.label, s!.value, allowed)
  return {plain: letter === undefined, value}
}

/**
 * `digits` x 1024^power bytes in `unit`, exactly: the decimal is scaled to an integer first, so `1.5G` is 1536
 * MiB and `0.1G` (102.4 MiB) is NaN rather than a rounded guess.
 */
function inUnit(digits: string, power: number, unit: SizeUnit): number {
  const [whole, fraction = ''] = digits.split('.')
  const scaled = BigInt(whole + fraction) * 1024n ** BigInt(power)
  const divisor = 10n ** BigInt(fraction.length) * 1024n ** BigInt(MIB_POWER[unit])
  return scaled % divisor === 0n ? Number(scaled / divisor) : Number.NaN
}

/** Below this many MiB a plain `--memory` number is probably GiB typed without a unit. */
export const SMALL_MEMORY_MIB = 128

/** "--memory: 4 is 4 MiB; did you mean 4GiB?" for a plain number below SMALL_MEMORY_MIB, else undefined. */
export function smallMemoryWarning(s: Sourced | undefined, read: ReadSize | undefined): string | undefined {
  if (s === undefined || read === undefined || !read.plain || read.value >= SMALL_MEMORY_MIB) return undefined
  return `${s.origin.label}: ${read.value} is ${read.value} MiB; did you mean ${read.value}GiB?`
}
