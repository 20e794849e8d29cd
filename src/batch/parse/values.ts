/**
 * Readers for raw setting values. A value reaches us as a flag's string, an environment variable's text, or a
 * config file's JSON value (number, boolean, array, object), so every reader accepts each of those forms and
 * rejects anything else with a message that names the source. Nothing here knows about AWS.
 */
import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'

export function isSet(s: Sourced | undefined): s is Sourced {
  return s !== undefined && s.value !== undefined && s.value !== null && s.value !== ''
}

/** Text of a scalar value; numbers from JSON config files are accepted as their decimal text. */
export function text(s: Sourced | undefined, allowed: string): string | undefined {
  if (!isSet(s)) return undefined
  if (typeof s.value === 'string') return s.value
  if (typeof s.value === 'number' && Number.isFinite(s.value)) return String(s.value)
  throw invalid(s.origin.label, s.value, allowed)
}

/**
 * Text that must not be empty when given: an empty `--name ''` or `"image": ""` is a mistake (an unset variable in a
 * script), not a request for the default. Environment variables never get here empty (config/resolve.ts: blank
 * means unset there, as in Metaflow).
 */
export function requiredText(s: Sourced | undefined, allowed: string): string | undefined {
  if (s !== undefined && typeof s.value === 'string' && s.value.trim() === '') {
    throw invalid(s.origin.label, s.value, `it must not be empty; ${allowed}`)
  }

  return text(s, allowed)
}

/** A plain decimal: `4`, `0.25`, `.5`. No exponent, sign or hex, so what the user wrote is what AWS gets. */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/

export function positiveDecimal(s: Sourced | undefined, allowed: string): number | undefined {
  const raw = text(s, allowed)
  if (raw === undefined) return undefined
  const n = Number(raw.trim())
  if (!DECIMAL.test(raw.trim()) || !Number.isFinite(n) || n <= 0) throw invalid(s!.origin.label, s!.value, allowed)
  return n
}

/** An integer within [min, max]; JSON numbers must be whole, strings must be plain digits. */
export function integer(
  s: Sourced | undefined,
  range: {max?: number; min: number},
  allowed: string,
): number | undefined {
  const raw = text(s, allowed)
  if (raw === undefined) return undefined
  const trimmed = raw.trim()
  const n = Number(trimmed)
  const ok =
    /^\d+$/.test(trimmed) && Number.isSafeInteger(n) && n >= range.min && (range.max === undefined || n <= range.max)
  if (!ok) throw invalid(s!.origin.label, s!.value, allowed)
  return n
}

/**
 * Booleans coerce as Metaflow's config does: false only for "0", "false" or "" (any case), true for any other
 * text. Flags give real booleans, JSON files give booleans or strings.
 */
export function boolean(s: Sourced | undefined): boolean | undefined {
  if (s === undefined || s.value === undefined || s.value === null) return undefined
  if (typeof s.value === 'boolean') return s.value
  if (typeof s.value === 'number') return s.value !== 0
  if (typeof s.value === 'string') return !['', '0', 'false'].includes(s.value.trim().toLowerCase())
  throw invalid(s.origin.label, s.value, 'use true or false')
}

/**
 * A list of strings: a repeated flag gives an array, a config file an array, an environment variable a single
 * string (or a JSON array, since Metaflow stores list-valued keys as JSON).
 */
export function stringList(s: Sourced | undefined, allowed: string): string[] {
  if (!isSet(s)) return []
  let {value} = s
  if (typeof value === 'string' && value.trim().startsWith('[')) value = parseJson(s, value, allowed)
  const items = Array.isArray(value) ? value : [value]
  return items.map((item) => {
    if (typeof item === 'string') return item
    if (typeof item === 'number' && Number.isFinite(item)) return String(item)
    throw invalid(s.origin.label, item, allowed)
  })
}

/**
 * Key/value pairs: `K<sep>V` strings (flags, env vars, config arrays) or an object (config files, and
 * Metaflow's JSON-valued keys such as METAFLOW_BATCH_DEFAULT_TAGS). The value is split at the first separator.
 */
/**
 * `conceal` (`--env`): an item without the separator is not quoted in the error, only its position, since a lone
 * value is as likely a pasted secret as a typo.
 */
export function keyValues(
  s: Sourced | undefined,
  sep: string,
  allowed: string,
  {conceal = false} = {},
): Array<[string, string]> {
  if (!isSet(s)) return []
  let {value} = s
  if (typeof value === 'string' && value.trim().startsWith('{')) value = parseJson(s, value, allowed)
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      if (typeof v === 'string') return [key, v]
      if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return [key, String(v)]
      throw invalid(s.origin.label, {[key]: v}, allowed)
    })
  }

  return stringList({origin: s.origin, value}, allowed).map((item, i) => {
    const at = item.indexOf(sep)
    if (at <= 0 && conceal) {
      throw new InputError(
        `${s.origin.label}: value ${i + 1} has no NAME${sep} (not shown: it may hold a secret); ${allowed}`,
      )
    }

    if (at <= 0) throw invalid(s.origin.label, item, allowed)
    return [item.slice(0, at), item.slice(at + sep.length)]
  })
}

function parseJson(s: Sourced, raw: string, allowed: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new InputError(`${s.origin.label}: ${JSON.stringify(raw)} is not valid JSON; ${allowed}`)
  }
}

/** A default has no source a user could fix; name the flag that would change it instead. */
export function sourceLabel(s: Sourced | undefined, flag: string): string {
  return s === undefined || s.origin.kind === 'default' ? `${flag} (default)` : s.origin.label
}
