/**
 * Type checks of resolved values for `mfbatch config`: a value of the wrong kind (`"memory": "lots"`, `"tags": 3`,
 * METAFLOW_DEFAULT_RUNTIME_LIMIT=soon) is reported with its source, every setting at once, instead of waiting for
 * the submit that would refuse it. Ranges and AWS rules stay with each setting's one validator in src/batch.
 */
import type {SettingSpec, SettingType} from './catalog'
import type {SettingName, Sourced} from './types'

import {invalid} from '../errors'

/** One sentence per setting whose value is wrong, naming its source (the form of every other input error). */
export type SettingProblems = Partial<Record<SettingName, string>>

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/
/** Seconds, or units from largest to smallest (1h30m): what batch/parse/duration.ts reads. */
const DURATION = /^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/i

const ALLOWED: Record<SettingType, string> = {
  boolean: 'use true or false',
  list: 'use a text or a list of texts, e.g. ["a=1", "b=2"]',
  number: 'use a number',
  object: 'use a JSON object such as {"team": "ml"}',
  string: 'use a text',
}

/** The problem with one resolved value, or undefined when its kind is right (or nothing sets it). */
export function checkSetting(spec: SettingSpec, sourced: Sourced): string | undefined {
  const {value} = sourced
  if (value === undefined || value === null || sourced.origin.kind === 'default') return undefined
  const durations = spec.name === 'timeout'
  if (fits(spec.type, value, durations)) return undefined
  const allowed = durations ? 'use seconds or a duration like 1h30m' : ALLOWED[spec.type]
  return invalid(sourced.origin.label, value, allowed).message
}

function fits(type: SettingType, value: unknown, durations: boolean): boolean {
  const scalar = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
  switch (type) {
    case 'boolean': {
      return typeof value === 'boolean' || scalar
    }

    case 'list': {
      return typeof value === 'string' || (Array.isArray(value) && value.every((item) => fits('string', item, false)))
    }

    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value)
      if (typeof value !== 'string') return false
      const trimmed = value.trim()
      return DECIMAL.test(trimmed) || (durations && trimmed !== '' && DURATION.test(trimmed))
    }

    case 'object': {
      return typeof value === 'object' && !Array.isArray(value)
    }

    case 'string': {
      return scalar
    }
  }
}
