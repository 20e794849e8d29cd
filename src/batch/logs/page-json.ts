/**
 * A GetLogEvents answer (up to 1 MB of JSON) parsed in pieces of about 64 KB instead of one `JSON.parse` of the
 * whole text. Why: V8 puts a string over 128 KB in its large-object space, and one that is still alive when a
 * young-generation collection runs (a parse of 10,000 events nearly always spans one) moves to the old generation,
 * which only a full collection empties. One such string per page made `logs` of a long stream grow by a megabyte a
 * page until the next full collection (bench/README.md, B2: peak RSS 1.5x from 100,000 to 1,000,000 lines). Pieces
 * below that size die young.
 *
 * The pieces are cut between events, where the compact JSON of AWS (and the emulator) has `},{"` followed by a key's
 * first letter: inside a string a `"` is always escaped, so `{"` there can only be a string's closing quote, which
 * a `,`, `}` or `]` follows, never a letter. Anything unexpected (whitespace, another shape, a piece that does not
 * parse) falls back to one `JSON.parse` of the whole answer, so the result is always what JSON.parse gives.
 */
import type {RawEvents} from './message-lines'

/** Answers smaller than this are parsed whole: nothing to gain. */
export const SPLIT_ABOVE = 128 * 1024
/** About how much JSON text each piece holds (below V8's large-object threshold of 128 KB). */
const PIECE_BYTES = 64 * 1024

const EVENTS_KEY = Buffer.from('"events":[')
const BOUNDARY = Buffer.from('},{"')

/**
 * Where a page parsed by parsePage keeps its events array's bytes (message-lines.ts reads the messages from them).
 * Not enumerable: the page looks like any other answer.
 */
export const RAW_EVENTS = Symbol('rawEvents')

/**
 * The answer as JSON.parse gives it, except that a large answer's events are parsed when `events` is first read,
 * not before: a sink that prints only the messages reads them from the bytes (`page[RAW_EVENTS]`) and never makes
 * 10,000 event objects. A broken events array throws at that first read, as JSON.parse would.
 */
export function parsePage(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {}
  const split = body.length > SPLIT_ABOVE ? splitAnswer(body) : undefined
  if (!split) return JSON.parse(body.toString('utf8')) as Record<string, unknown>
  const {close, open, rest} = split
  let events: undefined | unknown[]
  Object.defineProperty(rest, 'events', {
    configurable: true,
    enumerable: true,
    get() {
      events ??= eventsOf(body, open, close)
      return events
    },
    set(value: unknown[]) {
      events = value
    },
  })
  Object.defineProperty(rest, RAW_EVENTS, {value: {body, close, open} satisfies RawEvents})
  return rest
}

/** The events array's place and everything around it parsed, or undefined when the answer is not that shape. */
function splitAnswer(body: Buffer): undefined | {close: number; open: number; rest: Record<string, unknown>} {
  const key = body.indexOf(EVENTS_KEY)
  // The tokens after the events hold no `]`: the last one closes the events array.
  const close = body.lastIndexOf(0x5d)
  if (key === -1 || close === -1 || body[close - 1] !== 0x7d) return undefined
  const open = key + EVENTS_KEY.length
  try {
    const rest = JSON.parse(`${body.toString('utf8', 0, open)}${body.toString('utf8', close)}`) as Record<
      string,
      unknown
    >
    if (!Array.isArray(rest.events) || rest.events.length > 0) return undefined
    return {close, open, rest}
  } catch {
    return undefined
  }
}

/** The events, in pieces; a piece that does not parse leaves it to one JSON.parse of the whole answer. */
function eventsOf(body: Buffer, open: number, close: number): unknown[] {
  try {
    return parseEvents(body, open, close)
  } catch {
    return (JSON.parse(body.toString('utf8')) as {events: unknown[]}).events
  }
}

/** The events between `open` and `close` (the array's brackets excluded), a piece of about PIECE_BYTES at a time. */
function parseEvents(body: Buffer, open: number, close: number): unknown[] {
  const events: unknown[] = []
  let start = open
  while (start < close) {
    const end = cutAfter(body, start + PIECE_BYTES, close)
    const piece = JSON.parse(`[${body.toString('utf8', start, end)}]`) as unknown[]
    for (const event of piece) events.push(event)
    start = end + 1 // past the comma between two events
  }

  return events
}

/** The end of the event that ends at or after `from`: just after its `}` (a comma follows), or `close`. */
function cutAfter(body: Buffer, from: number, close: number): number {
  let at = from < close ? body.indexOf(BOUNDARY, from) : -1
  while (at !== -1 && at < close) {
    const next = body[at + BOUNDARY.length]
    if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a)) return at + 1
    at = body.indexOf(BOUNDARY, at + 1)
  }

  return close
}
