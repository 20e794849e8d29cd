/**
 * Reading and writing the files mfbatch keeps for the user alone (the cache folder: V8's code cache, the history,
 * the submit cache). Each folder is made 0700 and must be a real folder of the user's that nobody else can write;
 * each file is opened without following a link in its last step (O_NOFOLLOW), checked on the open descriptor (owned
 * by the user, nobody else can write it) and made 0600; replacements go through a temporary file of a random name
 * created O_EXCL|O_NOFOLLOW, then renamed. What fails a check throws an UntrustedPathError and is not used.
 */
import {randomBytes} from 'node:crypto'
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {type Distrust, distrustOfEntry} from './trusted-path'

/** A per-user file or folder that fails the check: `distrust` says which and why. */
export class UntrustedPathError extends Error {
  override name = 'UntrustedPathError'

  constructor(
    readonly distrust: Distrust,
    /** Whether the folder failed (rather than the file in it). */
    readonly isFolder: boolean,
  ) {
    super(`${distrust.path}: ${distrust.why}`)
  }
}

const {O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY} = constants

/** 16 random hex digits (node:crypto is part of Node's start-up snapshot: requiring it costs about 0.02 ms). */
const randomName = (): string => randomBytes(8).toString('hex')

/* eslint-disable no-bitwise -- open flags and permission bits */

/**
 * Makes `dir` (and missing parents, 0700) and checks it; a folder of the user's that others can only read is
 * closed to 0700 (older versions made it 0755), one they can write, or of another user, or a link, is refused.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, {mode: 0o700, recursive: true})
  const stats = checkedDir(dir)!
  if (stats.mode & 0o077) chmodSync(dir, 0o700)
}

/** Whether `dir` exists (false) or is a private folder (true); throws UntrustedPathError when it is not. */
export function privateDirExists(dir: string): boolean {
  return checkedDir(dir) !== undefined
}

function checkedDir(dir: string): Stats | undefined {
  let stats: Stats
  try {
    stats = lstatSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }

  const distrust = distrustOfEntry(dir, stats, 'directory', 'me')
  if (distrust) throw new UntrustedPathError(distrust, true)
  return stats
}

/** Checks a file opened O_NOFOLLOW on its descriptor (what is read is what was checked); 0600 when `close`. */
function checkOpened(fd: number, file: string, close: boolean): void {
  const stats = fstatSync(fd)
  const distrust = distrustOfEntry(file, stats, 'file', 'me')
  if (distrust) throw new UntrustedPathError(distrust, false)
  if (close && stats.mode & 0o077) fchmodSync(fd, 0o600)
}

/** A link in the last step makes O_NOFOLLOW fail with ELOOP: said as the link it is. */
function openPrivate(file: string, flags: number, mode?: number): number {
  try {
    return openSync(file, flags | O_NOFOLLOW | O_NONBLOCK, mode)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error
    throw new UntrustedPathError({kind: 'link', path: file, why: 'it is a symbolic link'}, false)
  }
}

/** The file's bytes; undefined when it or its folder does not exist. */
export function readPrivateFile(file: string): Buffer | undefined {
  if (!privateDirExists(dirname(file))) return undefined
  let fd: number
  try {
    fd = openPrivate(file, O_RDONLY)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }

  try {
    checkOpened(fd, file, false)
    return readFileSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Appends `data` with one write on a file opened O_APPEND (made 0600 when new), the folder made when missing. */
export function appendPrivateFile(file: string, data: string): void {
  ensurePrivateDir(dirname(file))
  const fd = openPrivate(file, O_WRONLY | O_APPEND | O_CREAT, 0o600)
  try {
    checkOpened(fd, file, true)
    writeFileSync(fd, data)
  } finally {
    closeSync(fd)
  }
}

/**
 * Replaces the file at once (a reader sees the old file or the new one, never half of one). `stillWanted`, asked
 * between writing and renaming, may call it off (the history's trim, when a line was appended meanwhile): then
 * nothing changes and the answer is false.
 */
export function replacePrivateFile(file: string, data: Buffer | string, stillWanted = () => true): boolean {
  const dir = dirname(file)
  ensurePrivateDir(dir)
  const temporary = join(dir, `.${basename(file)}.${randomName()}.tmp`)
  const fd = openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
  try {
    try {
      writeFileSync(fd, data)
    } finally {
      closeSync(fd)
    }

    if (!stillWanted()) {
      unlinkSync(temporary)
      return false
    }

    renameSync(temporary, file)
    return true
  } catch (error) {
    try {
      unlinkSync(temporary)
    } catch {
      // already renamed or gone
    }

    throw error
  }
}
/* eslint-enable no-bitwise */
