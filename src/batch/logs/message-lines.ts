/**
 * A GetLogEvents page's messages as lines of text, read straight from the answer's bytes, for a sink that prints
 * nothing else (`logs` to a pipe or a file, without --json or --timestamps): no event object and no string per
 * message, which were most of what `logs` spent per page, its garbage collection included (bench/README.md, B2).
 *
 * The scan accepts only what it can read exactly: compact JSON objects whose values are strings or integers, valid
 * UTF-8, no control character inside a string, every escape read by JSON.parse. A message without a backslash is
 * then, byte for byte, the UTF-8 of the string JSON.parse gives, and is copied as it is. Anything else (spacing,
 * another shape, a nested value) gives undefined, and the caller reads the page's parsed events instead.
 */
import {isUtf8} from 'node:buffer'

/** Where a page's events array is in the answer: `body` from `open` (after `[`) to `close` (at `]`). */
export interface RawEvents {
  body: Buffer
  close: number
  open: number
}

export interface MessageLines {
  /** How many events the page has. */
  count: number
  /** The last event's ingestionTime (epoch ms), when it has one. */
  lastIngestionTime?: number
  /** Each event's message and a newline (`lineOf`), in UTF-8. */
  text: Buffer
}

/** A message as a line shows it: without the one newline (or CRLF) it may end with, since the line adds its own. */
export const lineOf = (message: string): string => (message.endsWith('\n') ? message.replace(/\r?\n$/, '') : message)

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const NEWLINE = 0x0a

const MESSAGE = Buffer.from('message')
const INGESTION_TIME = Buffer.from('ingestionTime')

/** The lines of `events`, or undefined when the scan cannot vouch for reading them exactly. */
export function messageLines(events: RawEvents): MessageLines | undefined {
  const {body, close, open} = events
  if (!isUtf8(body.subarray(open, close))) return undefined
  return scan(body, open, close)
}

/**
 * One pass over the events array that copies each message as it reads it: a page is read once, byte by byte. One
 * function with its state in locals: a class with the state in fields, or a copy call per message, took longer
 * (bench/README.md, B2).
 */
// eslint-disable-next-line complexity -- a JSON subset read in one loop on purpose (see above)
function scan(body: Buffer, open: number, close: number): MessageLines | undefined {
  // Every event takes more bytes in the answer than its line: `{}` becomes one newline, an escape is shorter.
  const text = Buffer.allocUnsafe(close - open)
  let size = 0
  let count = 0
  let ingestionStart = -1
  let ingestionEnd = -1
  let at = open
  while (at < close) {
    if (count > 0 && body[at++] !== COMMA) return undefined
    if (body[at++] !== OPEN_BRACE) return undefined
    const line = size
    ingestionStart = -1
    while (body[at] !== CLOSE_BRACE) {
      // The key: a string without escapes.
      if (body[at++] !== QUOTE) return undefined
      const keyStart = at
      at = plainEnd(body, at)
      const keyEnd = at
      if (body[at++] !== QUOTE || body[at++] !== COLON) return undefined
      if (body[at] === QUOTE) {
        // A string. The last "message" of an event is its message, as in JSON.parse: its bytes are copied to the
        // line as they are read; any other string's go past the text's end, where nothing is kept.
        const message = sameBytes(body, keyStart, keyEnd, MESSAGE)
        // An ingestionTime that is not a number is left to the parsed events, as anything unusual is.
        if (!message && sameBytes(body, keyStart, keyEnd, INGESTION_TIME)) return undefined
        const start = ++at
        let to = message ? line : size
        // One read of each byte (a store to `text` would make V8 read `body` again), up to a quote, a backslash
        // or a control character; a string that runs past `close` is refused below.
        let byte = body[at]
        while (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) {
          text[to++] = byte
          byte = body[++at]
        }

        if (message) size = to
        // An escape: JSON.parse reads the string, and a message's line is what it gives.
        const escaped = body[at] === BACKSLASH ? escapedString(body, start, close) : undefined
        if (escaped && message) size = line + text.write(lineOf(escaped.value), line, 'utf8')
        if (escaped) at = escaped.end
        if (at >= close || body[at++] !== QUOTE) return undefined
      } else {
        // An integer: -?(0|[1-9][0-9]*).
        const start = at
        if (body[at] === MINUS) at++
        const digits = at
        while (at < close && body[at] >= ZERO && body[at] <= NINE) at++
        if (at === digits || (body[digits] === ZERO && at - digits > 1)) return undefined
        // A message that is not a string is left to the parsed events too.
        if (sameBytes(body, keyStart, keyEnd, MESSAGE)) return undefined
        if (sameBytes(body, keyStart, keyEnd, INGESTION_TIME)) {
          ingestionStart = start
          ingestionEnd = at
        }
      }

      if (at >= close) return undefined
      if (body[at] === COMMA && body[at + 1] !== CLOSE_BRACE) at++
      else if (body[at] !== CLOSE_BRACE) return undefined
    }

    at++
    text[size++] = NEWLINE
    count++
  }

  if (at !== close) return undefined
  return {
    count,
    ...(ingestionStart === -1
      ? {}
      : {lastIngestionTime: Number(body.toString('latin1', ingestionStart, ingestionEnd))}),
    text: text.subarray(0, size),
  }
}

/** Where a run of bytes that can be in a string without an escape ends: at a quote, a backslash or a control byte. */
function plainEnd(body: Buffer, from: number): number {
  let at = from
  let byte = body[at]
  while (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) byte = body[++at]
  return at
}

/**
 * A string with an escape, from `from` (after its opening quote): its value as JSON.parse reads it and the index of
 * its closing quote, or undefined when it is not a JSON string.
 */
function escapedString(body: Buffer, from: number, close: number): undefined | {end: number; value: string} {
  let at = from
  while (at < close && body[at] !== QUOTE) at += body[at] === BACKSLASH ? 2 : 1
  if (at >= close) return undefined
  try {
    return {end: at, value: JSON.parse(body.toString('utf8', from - 1, at + 1)) as string}
  } catch {
    return undefined
  }
}

/** Whether the bytes from `start` to `end` are `name`'s. */
function sameBytes(body: Buffer, start: number, end: number, name: Buffer): boolean {
  if (end - start !== name.length) return false
  for (let i = 0; i < name.length; i++) if (body[start + i] !== name[i]) return false
  return true
}
