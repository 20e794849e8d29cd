/**
 * Durations as people write them in a Makefile: plain seconds (`3600`, what METAFLOW_DEFAULT_RUNTIME_LIMIT holds)
 * or units from largest to smallest (`2d`, `1h30m`, `90m`, `45s`).
 */
const UNITS = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Seconds, or undefined when the text is not a duration. */
export function parseDuration(raw: string): number | undefined {
  const input = raw.trim().toLowerCase()
  if (/^\d+$/.test(input)) return Number(input)
  const match = UNITS.exec(input)
  if (!input || !match) return undefined
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0))
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
  return Number.isSafeInteger(total) ? total : undefined
}
