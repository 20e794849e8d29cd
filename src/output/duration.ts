/**
 * Durations for people ("1h02m", "3m ago"). Pure: the current time is always passed in, so output like "3m ago" is
 * testable. Reading durations and dates from flags is src/batch/parse/time.ts.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const pad = (n: number): string => String(n).padStart(2, '0')

/** A span as the two largest units: "850ms", "12s", "3m04s", "1h02m", "2d03h". Negative spans count as 0. */
export function formatDuration(ms: number): string {
  const span = Math.max(0, Math.floor(ms))
  if (span < SECOND) return `${span}ms`
  if (span < MINUTE) return `${Math.floor(span / SECOND)}s`
  if (span < HOUR) return `${Math.floor(span / MINUTE)}m${pad(Math.floor((span % MINUTE) / SECOND))}s`
  if (span < DAY) return `${Math.floor(span / HOUR)}h${pad(Math.floor((span % HOUR) / MINUTE))}m`
  return `${Math.floor(span / DAY)}d${pad(Math.floor((span % DAY) / HOUR))}h`
}

/** How long ago, in one unit: "just now", "45s ago", "3m ago", "2h ago", "3d ago". A future time is "just now". */
export function formatAgo(then: Date | number, now: Date | number): string {
  const span = Number(now) - Number(then)
  if (span < SECOND) return 'just now'
  if (span < MINUTE) return `${Math.floor(span / SECOND)}s ago`
  if (span < HOUR) return `${Math.floor(span / MINUTE)}m ago`
  if (span < DAY) return `${Math.floor(span / HOUR)}h ago`
  return `${Math.floor(span / DAY)}d ago`
}
