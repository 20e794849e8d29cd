/**
 * Whole-file state written so that a crash at any moment leaves either the old file or the new one, never half of
 * either: write a temporary file next to it, fsync it, rename it over the old one, fsync the directory.
 */
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

let counter = 0

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value)}\n`)
}

export function writeFileAtomic(path: string, data: Buffer | string): void {
  const dir = dirname(path)
  mkdirSync(dir, {recursive: true})
  // Unique per process and call, so two writers of one file never share a temporary name.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`)
  const fd = openSync(tmp, 'w')
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(tmp, {force: true})
    throw error
  }

  closeSync(fd)
  renameSync(tmp, path)
  syncDir(dir)
}

/** The parsed file, or `fallback` when it does not exist. A file that does not parse is an error worth seeing. */
export function readJson<T>(path: string, fallback: T): T {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback
    throw error
  }

  return JSON.parse(text) as T
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
export function syncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
