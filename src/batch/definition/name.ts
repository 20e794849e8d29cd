/**
 * Job definitions are named by their content: `mfbatch_` + the SHA-256 of their canonical JSON. The same settings
 * give the same name on every machine and for every user, so a definition is registered once and reused.
 * (Metaflow hashes Python's `str()` of a dict, which depends on insertion order; sorted keys do not.)
 */
import {createHash} from 'node:crypto'

export const DEFINITION_PREFIX = 'mfbatch_'

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and undefined members left out, as
 * JSON.stringify would. Built by hand: JS objects list integer-like keys first, whatever order they were added in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
  return `{${members.join(',')}}`
}

/** 72 characters, within AWS's 128 and its alphabet (letters, digits, `-`, `_`). */
export function definitionName(definitionWithoutName: object): string {
  return DEFINITION_PREFIX + createHash('sha256').update(canonicalJson(definitionWithoutName)).digest('hex')
}
