/**
 * The history file. A submit appends one line with a single write on a file opened O_APPEND: lines of a few
 * hundred bytes from concurrent submits land whole, one after another, without a lock. When the file holds twice
 * HISTORY_KEEP lines, the submit that notices trims it under a lock file (O_EXCL): the newest lines go to a
 * temporary file that is renamed over the old one, after checking that nothing was appended meanwhile (if it was,
 * the trim starts over). A history that cannot be read or written never fails a command: it is only a convenience.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import path from 'node:path'

import {formatEntry, HISTORY_FILE, HISTORY_KEEP, type HistoryEntry, parseHistory, trimmed} from './history'

/** A lock older than this was left by a process that died mid-trim. */
const STALE_LOCK_MS = 10_000

export class HistoryStore {
  readonly file: string

  constructor(
    dir: string,
    private readonly keep = HISTORY_KEEP,
  ) {
    this.file = path.join(dir, HISTORY_FILE)
  }

  append(entry: HistoryEntry): void {
    try {
      mkdirSync(path.dirname(this.file), {recursive: true})
      const fd = openSync(this.file, 'a', 0o600)
      try {
        writeSync(fd, formatEntry(entry))
      } finally {
        closeSync(fd)
      }

      this.trimIfLong()
    } catch {
      // A read-only or full disk: `last` will not know this job, nothing else changes.
    }
  }

  read(): HistoryEntry[] {
    try {
      return parseHistory(readFileSync(this.file, 'utf8'))
    } catch {
      return []
    }
  }

  private trimIfLong(): void {
    const content = readFileSync(this.file, 'utf8')
    if (countLines(content) <= this.keep * 2) return
    const lock = `${this.file}.lock`
    if (!takeLock(lock)) return
    try {
      for (let round = 0; round < 3; round++) {
        const before = readFileSync(this.file, 'utf8')
        const temporary = `${this.file}.${process.pid}.tmp`
        writeFileSync(temporary, trimmed(before, this.keep), {mode: 0o600})
        // A line appended since the read would be lost by the rename: then read again and retry.
        if (statSync(this.file).size !== Buffer.byteLength(before)) {
          unlinkSync(temporary)
          continue
        }

        renameSync(temporary, this.file)
        return
      }
    } finally {
      unlinkSync(lock)
    }
  }
}

function countLines(content: string): number {
  let n = 0
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) n++
  return n
}

/** O_EXCL create: one trimmer at a time; a stale lock is broken once. */
function takeLock(lock: string): boolean {
  for (let tries = 0; tries < 2; tries++) {
    try {
      closeSync(openSync(lock, 'wx', 0o600))
      return true
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false
        unlinkSync(lock)
      } catch {
        return false
      }
    }
  }

  return false
}
