/**
 * The two ways the Batch service writes its state dir. A small local helper: the emulator's shared persistence
 * module did not exist when this service was written; switch to it once it offers the same two primitives.
 *
 * - `writeFileAtomic`: temp file + fsync + rename + fsync of the directory, so a reader (or a restart after a
 *   crash) sees the old file or the new one, never half of one.
 * - `Journal`: an append-only file of JSON lines. Appends go straight to the OS with one write() each (no fsync),
 *   so they survive the emulator being killed; a torn last line (power loss) is skipped when read back.
 */
import * as fs from 'node:fs'
import path from 'node:path'

export function writeFileAtomic(file: string, data: string): void {
  const temp = `${file}.${process.pid}.tmp`
  const fd = fs.openSync(temp, 'w')
  try {
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }

  fs.renameSync(temp, file)
  fsyncDir(path.dirname(file))
}

function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export class Journal<T> {
  private fd: number | undefined

  constructor(private readonly file: string) {}

  /** Appends records, one JSON line each, in one write. */
  append(records: readonly T[]): void {
    if (records.length === 0) return
    this.fd ??= fs.openSync(this.file, 'a')
    fs.writeSync(this.fd, records.map((r) => JSON.stringify(r) + '\n').join(''))
  }

  close(): void {
    if (this.fd === undefined) return
    fs.fsyncSync(this.fd)
    fs.closeSync(this.fd)
    this.fd = undefined
  }

  /** Every record in order; a line that does not parse (a torn write) is skipped. */
  read(): T[] {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }

    const records: T[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        records.push(JSON.parse(line) as T)
      } catch {
        // A partial last line from a crash mid-write: the record before it is still valid.
      }
    }

    return records
  }

  /** Replaces the whole journal by `records` (atomically), e.g. one line per live record after a load. */
  rewrite(records: readonly T[]): void {
    this.close()
    writeFileAtomic(this.file, records.map((r) => JSON.stringify(r) + '\n').join(''))
  }

  size(): number {
    try {
      return fs.statSync(this.file).size
    } catch {
      return 0
    }
  }
}
