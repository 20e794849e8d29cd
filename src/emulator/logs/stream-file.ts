/**
 * One log stream's events on disk: an append-only file of `[timestamp,ingestionTime,"message"]` lines, and in memory
 * only an index (where each line starts, and each event's timestamp: 16 bytes an event). Pages are read back from
 * the file by byte range, so a stream of a million lines costs 16 MB of memory, not its text, and an append never
 * rewrites what is already there.
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
  /** Bytes the event takes on disk (its line): an upper bound of what AWS counts against a page's 1 MB. */
  size(position: number): number
  /** True while every event is at or after the one before it, so time bounds can be found by binary search. */
  readonly sorted: boolean
  timestamp(position: number): number
}

export class StreamFile implements EventIndex {
  firstTimestamp: number | undefined
  lastIngestionTime: number | undefined
  lastTimestamp: number | undefined
  sorted = true
  private readonly journal: Journal
  private loaded = false
  private offsets = new Float64Array(1024)
  private timestamps = new Float64Array(1024)
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
      this.push(offset, event.timestamp, event.ingestionTime)
      offset += Buffer.byteLength(lines[i]) + 1
    }

    this.offsets[this.total] = offset
    return first
  }

  /** Closes the append handle (flushing it); the next append reopens it. */
  close(): void {
    this.journal.close()
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

    return positions.map((p) => {
      const [timestamp, ingestionTime, message] = JSON.parse(
        buffer.toString('utf8', this.offsets[p] - start, this.offsets[p + 1] - start - 1),
      ) as [number, number, string]
      return {ingestionTime, message, timestamp}
    })
  }

  size(position: number): number {
    return this.offsets[position + 1] - this.offsets[position]
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
      const [timestamp, ingestionTime] = leadingNumbers(buffer, start, end)
      this.push(offset, timestamp, ingestionTime)
    })
    if (tornBytes > 0) truncateSync(this.path, completeBytes)
    this.offsets[this.total] = completeBytes
  }

  private push(offset: number, timestamp: number, ingestionTime: number): void {
    if (this.total + 1 >= this.offsets.length) {
      this.offsets = grow(this.offsets)
      this.timestamps = grow(this.timestamps)
    }

    if (this.total > 0 && timestamp < this.timestamps[this.total - 1]) this.sorted = false
    this.offsets[this.total] = offset
    this.timestamps[this.total] = timestamp
    this.total++
    this.firstTimestamp = Math.min(this.firstTimestamp ?? timestamp, timestamp)
    this.lastTimestamp = Math.max(this.lastTimestamp ?? timestamp, timestamp)
    this.lastIngestionTime = Math.max(this.lastIngestionTime ?? ingestionTime, ingestionTime)
  }
}

/** The two numbers at the start of `[123,456,"..."]`, read from bytes without parsing the message. */
function leadingNumbers(buffer: Buffer, start: number, end: number): [number, number] {
  const numbers: number[] = []
  let value = 0
  let negative = false
  for (let i = start + 1; i < end && numbers.length < 2; i++) {
    const c = buffer[i]
    if (c >= 0x30 && c <= 0x39) value = value * 10 + (c - 0x30)
    else if (c === 0x2d) negative = true
    else if (c === 0x2c) {
      numbers.push(negative ? -value : value)
      value = 0
      negative = false
    }
  }

  return [numbers[0] ?? 0, numbers[1] ?? 0]
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2)
  bigger.set(array)
  return bigger
}
