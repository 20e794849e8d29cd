/**
 * JSON for programs. Dates become ISO 8601 strings and absent values `null`, so every documented field is always
 * present and a consumer never has to tell "missing" from "unknown".
 */

/** ISO 8601 for an epoch-millisecond or Date value; `null` when there is none. */
export function isoOrNull(value?: Date | number): null | string {
  if (value === undefined || value === null) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** One NDJSON record (for streams such as `logs --json`). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`
}

/** One JSON document, indented like oclif's own `--json` output. */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}
