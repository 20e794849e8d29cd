import type {EventIndex} from './stream-file'

/**
 * GetLogEvents paging, as CloudWatch Logs does it. A token marks a boundary between two events of the stream:
 * `f/<n>` reads forward from position n, `b/<n>` reads backward from just before n. A page reaching the end returns
 * the token it was given again, so "the same token twice means the end" (the rule every tailer relies on), and a
 * forward token stays valid while the stream grows: the next call with it returns the new events. Without a token
 * the first page is the newest events, unless startFromHead.
 */
import {ApiError} from '../contract'

/** AWS pages GetLogEvents at 10,000 events or 1 MB, whichever comes first. */
export const MAX_PAGE_EVENTS = 10_000
export const MAX_PAGE_BYTES = 1_048_576

export interface PageRequest {
  /** Exclusive: events at or after endTime are left out. */
  endTime?: number
  limit?: number
  maxBytes?: number
  nextToken?: string
  startFromHead?: boolean
  /** Inclusive. */
  startTime?: number
}

export interface Page {
  nextBackwardToken: string
  nextForwardToken: string
  /** Stream positions of the page's events, ascending. */
  positions: number[]
}

interface Token {
  direction: 'b' | 'f'
  position: number
}

/** AWS's tokens are `f/` or `b/` and 56 digits; ours are the same shape, the digits being a stream position. */
export function formatToken(direction: 'b' | 'f', position: number): string {
  return `${direction}/${String(position).padStart(56, '0')}`
}

export function parseToken(token: string): Token {
  const match = /^([bf])\/(\d{1,56})$/.exec(token)
  if (!match) throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.')
  return {direction: match[1] as 'b' | 'f', position: Number(match[2])}
}

export function selectPage(index: EventIndex, request: PageRequest): Page {
  const limit = request.limit ?? MAX_PAGE_EVENTS
  const maxBytes = request.maxBytes ?? MAX_PAGE_BYTES
  const {count} = index
  const token: Token = request.nextToken
    ? parseToken(request.nextToken)
    : {direction: request.startFromHead ? 'f' : 'b', position: request.startFromHead ? 0 : count}
  // A token from a stream that was since emptied or recreated points past its end: read from the end.
  const from = Math.min(token.position, count)
  const scan: Scan = {end: request.endTime, limit, maxBytes, start: request.startTime}
  const positions = token.direction === 'f' ? scanForward(index, from, scan) : scanBackward(index, from, scan)
  if (positions.length === 0) {
    return {nextBackwardToken: formatToken('b', from), nextForwardToken: formatToken('f', from), positions}
  }

  return {
    nextBackwardToken: formatToken('b', positions[0]),
    nextForwardToken: formatToken('f', positions.at(-1)! + 1),
    positions,
  }
}

/** The time window (start inclusive, end exclusive) and the page's limits. */
interface Scan {
  end?: number
  limit: number
  maxBytes: number
  start?: number
}

const inWindow = (t: number, w: Scan): boolean =>
  (w.start === undefined || t >= w.start) && (w.end === undefined || t < w.end)

function scanForward(index: EventIndex, from: number, w: Scan): number[] {
  const out: number[] = []
  let bytes = 0
  let i = from
  // In a time-ordered stream, jump straight to the window instead of walking to it.
  if (index.sorted && w.start !== undefined) i = Math.max(i, lowerBound(index, w.start))
  for (; i < index.count && out.length < w.limit; i++) {
    const t = index.timestamp(i)
    if (!inWindow(t, w)) {
      if (index.sorted && w.end !== undefined && t >= w.end) break
      continue
    }

    bytes += index.size(i)
    // Always at least one event, so a single huge event cannot stall paging.
    if (bytes > w.maxBytes && out.length > 0) break
    out.push(i)
  }

  return out
}

function scanBackward(index: EventIndex, from: number, w: Scan): number[] {
  const out: number[] = []
  let bytes = 0
  let i = from - 1
  if (index.sorted && w.end !== undefined) i = Math.min(i, lowerBound(index, w.end) - 1)
  for (; i >= 0 && out.length < w.limit; i--) {
    const t = index.timestamp(i)
    if (!inWindow(t, w)) {
      if (index.sorted && w.start !== undefined && t < w.start) break
      continue
    }

    bytes += index.size(i)
    if (bytes > w.maxBytes && out.length > 0) break
    out.push(i)
  }

  return out.reverse()
}

/** The first position whose timestamp is >= t, in a time-ordered stream. */
export function lowerBound(index: EventIndex, t: number): number {
  let lo = 0
  let hi = index.count
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (index.timestamp(mid) < t) lo = mid + 1
    else hi = mid
  }

  return lo
}
