/**
 * Durations and moments as flags give them ("2h", "1h30m", "90s", "90"; `--since 2024-05-01T10:00Z`). Pure: the
 * current time is always passed in. Showing durations to people is src/output/duration.ts.
 */
import {invalid} from '../../errors'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const UNIT_MS: Record<string, number> = {d: DAY, h: HOUR, m: MINUTE, ms: 1, s: SECOND}
const MAX_DURATION_MS = 36_500 * DAY
const SPAN = /^(?:\d+(?:\.\d+)?(?:ms|[dhms]))+$/

/**
 * Parses "90" (seconds), "90s", "15m", "2h", "1d", "1h30m", "500ms" into milliseconds. `source` names the flag in
 * the error for anything else.
 */
export function parseDuration(value: string, source: string): number {
  const allowed = 'use a duration such as 90s, 15m, 2h, 1h30m or 1d'
  const text = value.trim().toLowerCase()
  let total = 0
  if (/^\d+(?:\.\d+)?$/.test(text)) total = Number(text) * SECOND
  else if (SPAN.test(text)) {
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|[dhms])/g)) total += Number(amount) * UNIT_MS[unit]
  } else throw invalid(source, value, allowed)
  // Past about a century a timer cannot be set and a date cannot be computed: an extreme number, not a duration.
  if (!(total <= MAX_DURATION_MS)) throw invalid(source, value, allowed)
  return Math.round(total)
}

/**
 * `--since`: a duration back from `now` ("2h", "30m") or an ISO 8601 date/time ("2024-05-01",
 * "2024-05-01T10:00:00Z"). Returns the moment as epoch milliseconds.
 */
export function parseSince(value: string, now: Date | number, source = '--since'): number {
  const text = value.trim()
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text)
    if (Number.isNaN(at))
      throw invalid(source, value, 'use a duration such as 2h or an ISO date such as 2024-05-01T10:00Z')
    return at
  }

  try {
    return Number(now) - parseDuration(text, source)
  } catch {
    throw invalid(source, value, 'use a duration such as 2h or an ISO date such as 2024-05-01T10:00Z')
  }
}
