/**
 * Type checks of resolved values for `mfbatch config`: a value of the wrong kind (`"memory": "lots"`, `"tags": 3`,
 * METAFLOW_DEFAULT_RUNTIME_LIMIT=soon) is reported with its source, every setting at once, instead of waiting for
 * the submit that would refuse it. Ranges and AWS rules stay with each setting's one validator in src/batch.
 */
import type {SettingSpec, SettingType} from './catalog'
import type {SettingName, Sourced} from './types'

import {isSize} from '../batch/parse/memory-size'
import {invalid} from '../errors'

/** One sentence per setting whose value is wrong, naming its source (the form of every other input error). */
export type SettingProblems = Partial<Record<SettingName, string>>

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/
/** Seconds, or units from largest to smallest (1h30m): what batch/parse/duration.ts reads. */
const DURATION = /^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/i

const ALLOWED: Record<SettingType, string> = {
  boolean: 'use true or false',
  duration: 'use seconds or a duration like 1h30m',
  list: 'use a text or a list of texts, e.g. ["a=1", "b=2"]',
  number: 'use a number',
  object: 'use a JSON object such as {"team": "ml"}',
  size: 'use a number or a size such as 4GiB or 512MiB',
  string: 'use a text',
  switch: 'use true, false or a directory',
}

/** The problem with one resolved value, or undefined when its kind is right (or nothing sets it). */
export function checkSetting(spec: SettingSpec, sourced: Sourced): string | undefined {
  const {value} = sourced
  if (value === undefined || value === null || sourced.origin.kind === 'default') return undefined
  if (fits(spec.type, value)) return undefined
  return invalid(sourced.origin.label, value, ALLOWED[spec.type]).message
}

const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
const textOf = (value: unknown): string => String(value).trim()

/** Whether a value of each kind is of the right form (ranges and AWS rules stay with the validators). */
const FITS: Record<SettingType, (value: unknown) => boolean> = {
  boolean: (value) => typeof value === 'boolean' || isScalar(value),
  duration: (value) => isScalar(value) && (DECIMAL.test(textOf(value)) || DURATION.test(textOf(value))),
  list: (value) => typeof value === 'string' || (Array.isArray(value) && value.every((item) => isScalar(item))),
  number: (value) => isScalar(value) && DECIMAL.test(textOf(value)),
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  size: (value) => isScalar(value) && (DECIMAL.test(textOf(value)) || isSize(textOf(value))),
  string: isScalar,
  switch: (value) => typeof value === 'boolean' || isScalar(value),
}

function fits(type: SettingType, value: unknown): boolean {
  return FITS[type](value)
}
