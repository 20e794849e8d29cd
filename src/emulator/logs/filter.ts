import type {LogStream} from './catalog'
import type {Matcher} from './filter-pattern'
import type {StoredEvent} from './stream-file'

/**
 * FilterLogEvents over several streams: events of all selected streams merged in time order (ties by stream name,
 * then position), filtered by time and pattern, paged. The next token is the last event looked at, so a page can
 * also end early (after looking at `scanBudget` events, as AWS does on large groups) and the next call continues
 * exactly there. Messages are read from the files in runs, never a whole stream at once.
 */
import {ApiError} from '../contract'
import {lowerBound, MAX_PAGE_BYTES, MAX_PAGE_EVENTS} from './paging'

export interface FilterRequest {
  /** Inclusive, as AWS documents it for FilterLogEvents ("later than this time are not returned"). */
  endTime?: number
  limit?: number
  matcher: Matcher
  maxBytes?: number
  nextToken?: string
  /** Events looked at before a page ends even if not full. */
  scanBudget?: number
  /** Inclusive. */
  startTime?: number
}

export interface FilteredEvent extends StoredEvent {
  eventId: string
  logStreamName: string
}

export interface FilterResult {
  events: FilteredEvent[]
  nextToken?: string
  searchedLogStreams: Array<{logStreamName: string; searchedCompletely: boolean}>
}

/** Where a merged scan stands: time, stream name, position. */
interface Key {
  p: number
  s: string
  t: number
}

const READ_RUN = 1000
const DEFAULT_SCAN_BUDGET = 200_000
/** What AWS counts for each event against the 1 MB page: its message bytes plus 26. */
const EVENT_OVERHEAD = 26

export function filterEvents(streams: LogStream[], request: FilterRequest): FilterResult {
  const resume = request.nextToken === undefined ? undefined : parseFilterToken(request.nextToken)
  const cursors = streams.map((stream) => new Cursor(stream, request, resume))
  const limit = request.limit ?? MAX_PAGE_EVENTS
  const maxBytes = request.maxBytes ?? MAX_PAGE_BYTES
  const budget = request.scanBudget ?? DEFAULT_SCAN_BUDGET
  const events: FilteredEvent[] = []
  let bytes = 0
  let scanned = 0
  let last: Key | undefined
  for (;;) {
    const cursor = earliest(cursors)
    if (!cursor) break
    if (events.length >= limit || scanned >= budget) break
    const {event, key} = cursor.take()
    const size = Buffer.byteLength(event.message) + EVENT_OVERHEAD
    if (request.matcher(event.message)) {
      if (bytes + size > maxBytes && events.length > 0) {
        cursor.untake()
        break
      }

      bytes += size
      events.push({...event, eventId: eventId(cursor.stream.id, key.p), logStreamName: key.s})
    }

    scanned++
    last = key
  }

  const more = cursors.some((c) => c.peek() !== undefined)
  return {
    events,
    ...(more && last ? {nextToken: formatFilterToken(last)} : {}),
    searchedLogStreams: cursors.map((c) => ({
      logStreamName: c.stream.name,
      searchedCompletely: c.peek() === undefined,
    })),
  }
}

/** Unique and stable: the stream's number (never reused) and the event's position in it, 56 digits like AWS's. */
export function eventId(streamId: number, position: number): string {
  return `${String(streamId).padStart(20, '0')}${String(position).padStart(36, '0')}`
}

export function formatFilterToken(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

function parseFilterToken(token: string): Key {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Key
    if (typeof key.t === 'number' && typeof key.s === 'string' && typeof key.p === 'number') return key
  } catch {
    // Reported below.
  }

  throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.')
}

const precedes = (a: Key, b: Key): boolean => a.t < b.t || (a.t === b.t && (a.s < b.s || (a.s === b.s && a.p < b.p)))

function earliest(cursors: Cursor[]): Cursor | undefined {
  let best: Cursor | undefined
  let bestKey: Key | undefined
  for (const cursor of cursors) {
    const key = cursor.peek()
    if (key && (!bestKey || precedes(key, bestKey))) {
      best = cursor
      bestKey = key
    }
  }

  return best
}

/** One stream's events in the window, in stored order, read from its file a run at a time. */
class Cursor {
  private buffered: StoredEvent[] = []
  private bufferedPositions: number[] = []
  private next = 0 // index into the buffered run
  private position: number // next stream position to buffer

  constructor(
    readonly stream: LogStream,
    private readonly request: FilterRequest,
    private readonly resume: Key | undefined,
  ) {
    const {file} = stream
    let start = 0
    if (file.sorted) {
      if (request.startTime !== undefined) start = lowerBound(file, request.startTime)
      if (resume) start = Math.max(start, lowerBound(file, resume.t))
    }

    this.position = start
  }

  peek(): Key | undefined {
    if (this.next >= this.buffered.length) this.fill()
    if (this.next >= this.buffered.length) return undefined
    return {p: this.bufferedPositions[this.next], s: this.stream.name, t: this.buffered[this.next].timestamp}
  }

  take(): {event: StoredEvent; key: Key} {
    const key = this.peek()!
    return {event: this.buffered[this.next++], key}
  }

  untake(): void {
    this.next--
  }

  /** Buffers the next run of events that fall in the window and after the resume point. */
  private fill(): void {
    const {file} = this.stream
    const {endTime, startTime} = this.request
    const positions: number[] = []
    while (this.position < file.count && positions.length < READ_RUN) {
      const p = this.position
      const t = file.timestamp(p)
      if (file.sorted && endTime !== undefined && t > endTime) {
        this.position = file.count
        break
      }

      this.position++
      if (startTime !== undefined && t < startTime) continue
      if (endTime !== undefined && t > endTime) continue
      if (this.resume && !precedes(this.resume, {p, s: this.stream.name, t})) continue
      positions.push(p)
    }

    this.buffered = file.read(positions)
    this.bufferedPositions = positions
    this.next = 0
  }
}
