/**
 * One log stream's events on disk: an append-only file of `[timestamp,ingestionTime,"message"]` lines, and in memory
 * only an index (where each line starts, each event's timestamp and the length of its line's numbers: 17 bytes an
 * event). Pages are read back from the file by byte range, so a stream of a million lines costs 17 MB of memory, not
 * its text, and an append never rewrites what is already there. The message is stored as JSON, so a page can also be
 * answered by copying bytes (eventsJson) instead of parsing and re-encoding each event.
 */
import {closeSync, openSync, readSync, truncateSync} from 'node:fs'

import {Journal} from '../persistence/journal'
import {scanLines} from '../persistence/lines'

export interface StoredEvent {
  ingestionTime: number
  message: string
  timestamp: number
}

/** What paging needs to know about a stream without reading its messages. */
export interface EventIndex {
  readonly count: number
  /** What AWS counts against a page's 1 MB: the message's UTF-8 bytes plus 26 (JSON escapes may add a little). */
  size(position: number): number
  /** True while every event is at or after the one before it, so time bounds can be found by binary search. */
  readonly sorted: boolean
  timestamp(position: number): number
}

/** AWS counts each event as its message's UTF-8 bytes plus 26 against the 1 MB of a page (and of PutLogEvents). */
export const EVENT_OVERHEAD_BYTES = 26
const EMPTY_ARRAY = Buffer.from('[]')
const INGESTION = Buffer.from('{"ingestionTime":')
const MESSAGE = Buffer.from(',"message":')
const TIMESTAMP = Buffer.from(',"timestamp":')

export class StreamFile implements EventIndex {
  firstTimestamp: number | undefined
  lastIngestionTime: number | undefined
  lastTimestamp: number | undefined
  sorted = true
  private readonly journal: Journal
  private loaded = false
  // Small at first (an empty stream costs about 200 bytes, not 19 KB); they double as events come.
  private offsets = new Float64Array(INITIAL_EVENTS)
  /** Bytes of each line's `[timestamp,ingestionTime,` head. */
  private prefixes = new Uint8Array(INITIAL_EVENTS)
  private timestamps = new Float64Array(INITIAL_EVENTS)
  private total = 0

  constructor(readonly path: string) {
    this.journal = new Journal(path)
  }

  get count(): number {
    this.load()
    return this.total
  }

  get isOpen(): boolean {
    return this.journal.isOpen
  }

  /** Appends events in the order given; returns the position of the first. */
  append(events: ReadonlyArray<StoredEvent>): number {
    this.load()
    const first = this.total
    if (events.length === 0) return first
    const lines = events.map((e) => JSON.stringify([e.timestamp, e.ingestionTime, e.message]))
    let offset = this.journal.appendRaw(Buffer.from(`${lines.join('\n')}\n`))
    for (const [i, event] of events.entries()) {
      const line = lines[i]
      this.push(offset, event.timestamp, event.ingestionTime, line.indexOf(',', line.indexOf(',') + 1) + 1)
      offset += Buffer.byteLength(line) + 1
    }

    this.offsets[this.total] = offset
    return first
  }

  /** Closes the append handle (flushing it); the next append reopens it. */
  close(): void {
    this.journal.close()
  }

  /**
   * The same events as `read`, as the JSON text of an array of `{"ingestionTime","message","timestamp"}` objects
   * between `before` and `after`, made by copying each line's numbers and message bytes: no parse, no encode.
   */
  eventsJson(positions: readonly number[], before: string, after: string): Buffer {
    const head = Buffer.from(before)
    const tail = Buffer.from(after)
    if (positions.length === 0) return Buffer.concat([head, EMPTY_ARRAY, tail])
    const {buffer, start} = this.span(positions)
    // A line `[T,I,M]\n` (length T+I+M+5) becomes `{"ingestionTime":I,"message":M,"timestamp":T}` (T+I+M+42).
    let length = head.length + tail.length + 2 + positions.length - 1
    for (const p of positions) length += this.offsets[p + 1] - this.offsets[p] + 37
    const out = Buffer.allocUnsafe(length)
    let at = head.copy(out, 0)
    out[at++] = 0x5b // [
    for (const [i, p] of positions.entries()) {
      if (i > 0) out[at++] = 0x2c // ,
      const lineStart = this.offsets[p] - start
      const lineEnd = this.offsets[p + 1] - start - 1 // the newline
      const messageStart = lineStart + this.prefixes[p]
      const comma = buffer.indexOf(0x2c, lineStart)
      at += INGESTION.copy(out, at)
      at += buffer.copy(out, at, comma + 1, messageStart - 1)
      at += MESSAGE.copy(out, at)
      at += buffer.copy(out, at, messageStart, lineEnd - 1)
      at += TIMESTAMP.copy(out, at)
      at += buffer.copy(out, at, lineStart + 1, comma)
      out[at++] = 0x7d // }
    }

    out[at++] = 0x5d // ]
    tail.copy(out, at)
    return out
  }

  flush(): void {
    this.journal.flush()
  }

  /**
   * The events at `positions` (ascending, each < count), read with one file read spanning them: pages are runs of
   * neighbouring events, so the span is barely larger than what is returned.
   */
  read(positions: readonly number[]): StoredEvent[] {
    if (positions.length === 0) return []
    const {buffer, start} = this.span(positions)
    return positions.map((p) => {
      const [timestamp, ingestionTime, message] = JSON.parse(
        buffer.toString('utf8', this.offsets[p] - start, this.offsets[p + 1] - start - 1),
      ) as [number, number, string]
      return {ingestionTime, message, timestamp}
    })
  }

  size(position: number): number {
    // The line less its head, the message's two quotes, `]` and the newline is the message as JSON.
    return this.offsets[position + 1] - this.offsets[position] - this.prefixes[position] - 4 + EVENT_OVERHEAD_BYTES
  }

  timestamp(position: number): number {
    return this.timestamps[position]
  }

  /**
   * Builds the index from the file once, on first use. A torn last line (a crash in the middle of an append) is cut
   * off. The file is not kept open: a group of thousands of streams read by FilterLogEvents must not hold thousands
   * of descriptors; appends open it through the journal, whose handles the catalog keeps bounded.
   */
  private load(): void {
    if (this.loaded) return
    this.loaded = true
    const {completeBytes, tornBytes} = scanLines(this.path, (buffer, start, end, offset) => {
      const [timestamp, ingestionTime, prefix] = leadingNumbers(buffer, start, end)
      this.push(offset, timestamp, ingestionTime, prefix)
    })
    if (tornBytes > 0) truncateSync(this.path, completeBytes)
    this.offsets[this.total] = completeBytes
  }

  private push(offset: number, timestamp: number, ingestionTime: number, prefix: number): void {
    if (this.total + 1 >= this.offsets.length) {
      this.offsets = grow(this.offsets)
      this.prefixes = grow(this.prefixes)
      this.timestamps = grow(this.timestamps)
    }

    if (this.total > 0 && timestamp < this.timestamps[this.total - 1]) this.sorted = false
    this.offsets[this.total] = offset
    this.prefixes[this.total] = prefix
    this.timestamps[this.total] = timestamp
    this.total++
    this.firstTimestamp = Math.min(this.firstTimestamp ?? timestamp, timestamp)
    this.lastTimestamp = Math.max(this.lastTimestamp ?? timestamp, timestamp)
    this.lastIngestionTime = Math.max(this.lastIngestionTime ?? ingestionTime, ingestionTime)
  }

  /** The bytes from the first position's line to the end of the last one's, with one read. */
  private span(positions: readonly number[]): {buffer: Buffer; start: number} {
    this.load()
    const start = this.offsets[positions[0]]
    const end = this.offsets[positions.at(-1)! + 1]
    const buffer = Buffer.allocUnsafe(end - start)
    const fd = openSync(this.path, 'r')
    try {
      let done = 0
      while (done < buffer.length) {
        const read = readSync(fd, buffer, done, buffer.length - done, start + done)
        if (read === 0) break
        done += read
      }
    } finally {
      closeSync(fd)
    }

    return {buffer, start}
  }
}

/**
 * The two numbers at the start of `[123,456,"..."]`, read from bytes without parsing the message, and the length of
 * that head (`[123,456,`).
 */
function leadingNumbers(buffer: Buffer, start: number, end: number): [number, number, number] {
  const numbers: number[] = []
  let value = 0
  let negative = false
  let i = start + 1
  for (; i < end && numbers.length < 2; i++) {
    const c = buffer[i]
    if (c >= 0x30 && c <= 0x39) value = value * 10 + (c - 0x30)
    else if (c === 0x2d) negative = true
    else if (c === 0x2c) {
      numbers.push(negative ? -value : value)
      value = 0
      negative = false
    }
  }

  return [numbers[0] ?? 0, numbers[1] ?? 0, i - start]
}

/** Room for this many events before the first doubling. */
const INITIAL_EVENTS = 8

function grow<T extends Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2)
  bigger.set(array)
  return bigger
}
