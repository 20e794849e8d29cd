/**
 * Coercion the way Metaflow's `from_conf` does it, so a value means the same to mfbatch as to Metaflow.
 * `source` is an Origin label (`METAFLOW_BATCH_DEFAULT_TAGS`, `/repo/.mfbatchrc.json (key defaultTags)`).
 */
import {InputError, invalid} from '../errors'

const FALSE_TEXTS = new Set(['', '0', 'false'])

/** Metaflow: false only for "0", "false" or "" in any case; every other text is true ("no" too). */
export function toBoolean(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' || typeof value === 'number') return !FALSE_TEXTS.has(String(value).toLowerCase())
  throw invalid(source, value, 'use true or false')
}

/** Dict-valued keys hold JSON text in the environment and in Metaflow files; a project file may give an object. */
export function toJsonObject(value: unknown, source: string): Record<string, unknown> {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      throw new InputError(`${source}: bad JSON: ${(error as Error).message}`)
    }
  }

  if (!isPlainObject(parsed)) throw invalid(source, value, 'use a JSON object such as {"team": "ml"}')
  return parsed
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
