/**
 * The history file. A submit appends one line with a single write on a file opened O_APPEND: lines of a few
 * hundred bytes from concurrent submits land whole, one after another, without a lock. When the file holds twice
 * HISTORY_KEEP lines, the submit that notices trims it under a lock file (O_EXCL): the newest lines go to a
 * temporary file that is renamed over the old one, after checking that nothing was appended meanwhile (if it was,
 * the trim starts over). A history that cannot be read or written never fails a command: it is only a convenience.
 * The file and its folder are the user's alone (src/files): a history that is a link, or someone else's, is not
 * used, and the user hears once what to fix.
 */
import {closeSync, lstatSync, openSync, unlinkSync} from 'node:fs'
import path from 'node:path'

import {appendCacheFile, readCacheFile, replaceCacheFile} from '../../files/cache-files'
import {formatEntry, HISTORY_FILE, HISTORY_KEEP, type HistoryEntry, parseHistory, trimmed} from './history'

/** A lock older than this was left by a process that died mid-trim. */
const STALE_LOCK_MS = 10_000

/** How the file is named when it cannot be used. */
const LABEL = 'the recent-jobs history'

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
      if (appendCacheFile(this.file, formatEntry(entry), LABEL)) this.trimIfLong()
    } catch {
      // A read-only or full disk: `last` will not know this job, nothing else changes.
    }
  }

  read(): HistoryEntry[] {
    try {
      return parseHistory(readCacheFile(this.file, LABEL) ?? '')
    } catch {
      return []
    }
  }

  private trimIfLong(): void {
    const content = readCacheFile(this.file, LABEL) ?? ''
    if (countLines(content) <= this.keep * 2) return
    const lock = `${this.file}.lock`
    if (!takeLock(lock)) return
    try {
      for (let round = 0; round < 3; round++) {
        const before = readCacheFile(this.file, LABEL)
        if (before === undefined) return
        // A line appended since the read would be lost by the rename: then read again and retry.
        const unchanged = stillOfSize(this.file, Buffer.byteLength(before))
        if (replaceCacheFile(this.file, trimmed(before, this.keep), LABEL, unchanged)) return
      }
    } finally {
      unlinkSync(lock)
    }
  }
}

/** Whether `file` still holds `bytes` bytes (nothing was appended since it was read). */
function stillOfSize(file: string, bytes: number): () => boolean {
  return () => lstatSync(file).size === bytes
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
        if (Date.now() - lstatSync(lock).mtimeMs < STALE_LOCK_MS) return false
        unlinkSync(lock)
      } catch {
        return false
      }
    }
  }

  return false
}
