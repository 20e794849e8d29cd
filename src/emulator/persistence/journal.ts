/**
 * An append-only NDJSON file for data written often and read back whole at start-up (records, log events). Each
 * append is one write() of whole lines, so a killed process leaves at most one torn line at the end; opening the
 * journal cuts that line off, and reading skips it. fsync is batched (at most one every `fsyncEveryMs`) so a
 * million small appends do not cost a million disk flushes: a process crash loses nothing, a power cut at most
 * the last moments.
 */
import {closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

import {scanLines} from './lines'

export interface JournalOptions {
  /** Longest time appended data waits for fsync (default 200 ms). */
  fsyncEveryMs?: number
}

export class Journal {
  private dirty = false
  private fd: number | undefined
  private readonly fsyncEveryMs: number
  private timer: NodeJS.Timeout | undefined
  private written = 0

  constructor(
    readonly path: string,
    options: JournalOptions = {},
  ) {
    this.fsyncEveryMs = options.fsyncEveryMs ?? 200
  }

  get isOpen(): boolean {
    return this.fd !== undefined
  }

  /** Bytes of complete lines in the file: the offset the next append gets. */
  get size(): number {
    this.open()
    return this.written
  }

  /** Appends one record as one line; returns the line's offset in the file. */
  append(record: unknown): number {
    return this.appendRaw(Buffer.from(`${JSON.stringify(record)}\n`))
  }

  /** Appends bytes that already are whole lines (each ending with a newline); returns where they start. */
  appendRaw(lines: Buffer): number {
    this.open()
    const offset = this.written
    let done = 0
    while (done < lines.length) done += writeSync(this.fd!, lines, done, lines.length - done)
    this.written += lines.length
    this.scheduleSync()
    return offset
  }

  /** fsync now (when anything is unsynced) and close the file; the next append reopens it. */
  close(): void {
    this.flush()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /** fsync now when anything is unsynced. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.dirty && this.fd !== undefined) fsyncSync(this.fd)
    this.dirty = false
  }

  /** Opens for appending, first cutting off a torn last line so new lines start clean. */
  open(): void {
    if (this.fd !== undefined) return
    mkdirSync(dirname(this.path), {recursive: true})
    const {completeBytes, tornBytes} = scanTail(this.path)
    this.fd = openSync(this.path, 'a')
    if (tornBytes > 0) ftruncateSync(this.fd, completeBytes)
    this.written = completeBytes
  }

  private scheduleSync(): void {
    this.dirty = true
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (this.dirty && this.fd !== undefined) fsyncSync(this.fd)
      this.dirty = false
    }, this.fsyncEveryMs)
    this.timer.unref()
  }
}

export interface JournalContents<T> {
  records: T[]
  /** Complete lines that did not parse (skipped). */
  skipped: number
  /** True when the file ended in a torn line (skipped). */
  torn: boolean
}

/** Every record of a journal; a missing file has none. */
export function readJournal<T>(path: string): JournalContents<T> {
  const records: T[] = []
  let skipped = 0
  const {tornBytes} = scanLines(path, (buffer, start, end) => {
    if (end === start) return
    try {
      records.push(JSON.parse(buffer.toString('utf8', start, end)) as T)
    } catch {
      skipped++
    }
  })
  return {records, skipped, torn: tornBytes > 0}
}

/** Where the complete lines end, found from the end of the file (cheap even for a large file). */
function scanTail(path: string): {completeBytes: number; tornBytes: number} {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return {completeBytes: 0, tornBytes: 0}
  }

  try {
    const {size} = fstatSync(fd)
    const buffer = Buffer.allocUnsafe(64 * 1024)
    let end = size
    while (end > 0) {
      const start = Math.max(0, end - buffer.length)
      const read = readSync(fd, buffer, 0, end - start, start)
      const nl = buffer.lastIndexOf(0x0a, read - 1)
      if (nl !== -1) return {completeBytes: start + nl + 1, tornBytes: size - (start + nl + 1)}
      end = start
    }

    return {completeBytes: 0, tornBytes: size}
  } finally {
    closeSync(fd)
  }
}
