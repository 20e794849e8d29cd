/**
 * Unpacks a job's outputs archive (a tar.gz, or a plain tar when it was large: its manifest's encoding) into a local
 * directory, safely (DESIGN.md section 12), in one pass as it is downloaded: no copy of the archive on disk, each
 * byte read once. The archive was made by a job, so every entry is
 * checked: a file, directory or link with a relative path, no `..`, no link that leads out. Files are streamed into
 * a private staging folder inside the directory; only when the whole archive is in, its SHA-256 matches the
 * manifest's and no entry was refused are they renamed into place (a file is whole or absent, never half written;
 * one bad entry or a corrupt archive leaves nothing). A file whose bytes are already there is left alone (its
 * SHA-256 compared), so a second download changes nothing and `make` sees no new mtime. Files get the time they are
 * written, not the archive's fixed date, so `make` sees them as new.
 */
import type {Readable} from 'node:stream'

import {createHash, randomBytes} from 'node:crypto'
import {
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs'
import {dirname, join, posix, relative, resolve, sep} from 'node:path'
import {createGunzip} from 'node:zlib'

import {RuntimeError} from '../../errors'
import {track, untrack} from './partial-files'

export interface Unpacked {
  /** Files already there with the same bytes. */
  unchanged: string[]
  /** Files and links written (new or replaced). */
  written: string[]
}

type Kind = 'dir' | 'file' | 'hardlink' | 'symlink'

interface Member {
  kind: Kind
  link?: string
  mode: number
  path: string
}

const KINDS: Record<string, Kind> = {
  ContiguousFile: 'file',
  Directory: 'dir',
  File: 'file',
  Link: 'hardlink',
  OldFile: 'file',
  SymbolicLink: 'symlink',
}

/** Whether an archive path (`/`-separated, relative to the directory) ends up outside it. */
function leaves(path: string): boolean {
  return path.startsWith('/') || posix.normalize(path).split('/')[0] === '..'
}

/** What is wrong with an entry (undefined: nothing). Paths are the archive's own, `/`-separated. */
export function memberProblem(type: string, path: string, link?: string): string | undefined {
  if (!(type in KINDS)) return `${JSON.stringify(path)} is a ${type}, not a file, directory or link`
  if (path.startsWith('/')) return `${JSON.stringify(path)} is an absolute path`
  if (path.split('/').includes('..') || leaves(path)) return `${JSON.stringify(path)} leads out of the directory`
  // posix.join would read an absolute target as relative: it is checked first.
  const linkLeaves = (l: string) => l.startsWith('/') || leaves(posix.join(posix.dirname(path), l))
  if (type === 'SymbolicLink' && (link === undefined || linkLeaves(link))) {
    return `the link ${JSON.stringify(path)} -> ${JSON.stringify(link)} leads out of the directory`
  }

  if (type === 'Link' && (link === undefined || leaves(link) || link.split('/').includes('..'))) {
    return `the hard link ${JSON.stringify(path)} -> ${JSON.stringify(link)} leads out of the directory`
  }

  return undefined
}

const AGAIN = 'download it again, or run the job again'
/** tar's own limit on how many times its size an archive may inflate to. */
const MAX_RATIO = 1000

/** A file of the archive, written whole under a private name in the staging folder. */
interface Staged {
  member: Member
  /** Its SHA-256, when its target existed as the file came (to leave the same bytes alone). */
  sha256?: string
  staged: string
}

/** What one pass over the archive leaves: every entry checked, every file staged, the archive's own SHA-256. */
interface Streamed {
  failures: Error[]
  members: Member[]
  problems: string[]
  sha256: string
  staged: Staged[]
}

/**
 * Unpacks the archive coming in `body` into `into`, in one pass as its bytes arrive: the archive's SHA-256 is
 * computed, each entry checked, each file written whole into a private staging folder inside `into` (so nothing
 * appears at any target while the archive comes). Only once the last byte is in, the SHA-256 matches `sha256` and
 * every entry passed, are the files renamed into place; otherwise the staging folder goes and nothing was written.
 * `describe` names the archive in the errors; `encoding` is the manifest's (`none`: a plain tar, not inflated).
 */
export async function unpackOutputs(
  body: Readable,
  into: string,
  {describe, encoding = 'gzip', sha256}: {describe: string; encoding?: 'gzip' | 'none'; sha256: string},
): Promise<Unpacked> {
  mkdirSync(into, {recursive: true})
  const root = realpathSync(into)
  const staging = join(root, `.${randomBytes(6).toString('hex')}.mfbatch-staging`)
  track(staging)
  try {
    mkdirSync(staging)
    const streamed = await stream(body, {describe, gzip: encoding === 'gzip', root, staging})
    if (streamed.sha256 !== sha256) {
      throw new RuntimeError(
        `the outputs archive ${describe} has sha256 ${streamed.sha256}, its manifest says ${sha256}: it is corrupt; ${AGAIN}`,
      )
    }

    if (streamed.failures.length > 0) throw streamed.failures[0]
    if (streamed.problems.length > 0) {
      throw new RuntimeError(`refused the outputs archive, nothing was written: ${streamed.problems[0]}`)
    }

    return place(streamed, root, into)
  } finally {
    rmSync(staging, {force: true, recursive: true})
    untrack(staging)
  }
}

/** The one pass: hashed, inflated when `gzip`, parsed, checked, each file staged as it comes. */
async function stream(
  body: Readable,
  {describe, gzip, root, staging}: {describe: string; gzip: boolean; root: string; staging: string},
) {
  const {Parser} = await import('tar')
  const hash = createHash('sha256')
  const result: Streamed = {failures: [], members: [], problems: [], sha256: '', staged: []}
  // Files whose entry has not ended: closed if the archive breaks off in the middle of one.
  const open = new Set<Writer>()
  const parser = new Parser({
    onReadEntry(entry) {
      const problem = memberProblem(entry.type, entry.path, entry.linkpath)
      if (problem) result.problems.push(problem)
      const path = posix.normalize(entry.path).replace(/\/$/, '')
      if (problem || path === '.' || result.problems.length > 0 || result.failures.length > 0) {
        entry.resume()
        return
      }

      // Permission bits only (no setuid, setgid or sticky bit from a job's archive).
      const member: Member = {kind: KINDS[entry.type], link: entry.linkpath, mode: (entry.mode ?? 0o644) % 0o1000, path}
      result.members.push(member)
      const writer = member.kind === 'file' ? stageFile(member, {result, root, staging}) : undefined
      if (!writer) {
        entry.resume()
        return
      }

      open.add(writer)
      entry.on('data', writer.write)
      entry.on('end', () => {
        writer.end()
        open.delete(writer)
      })
    },
    // Other warnings are tar's leniency (an archive of no files is "unrecognized"); a cut-off file is not, nor an
    // unrecognized plain tar: the job sends one only when it is large (bootstrap-section.ts, GZIP_LIMIT), never empty.
    onwarn(code, message, data) {
      if (code === 'TAR_BAD_ARCHIVE' && message.startsWith('Truncated input')) {
        const path = (data as {entry?: {path?: string}}).entry?.path ?? 'a file'
        result.failures.push(new RuntimeError(`the outputs archive ends in the middle of ${path}; ${AGAIN}`))
      } else if (code === 'TAR_BAD_ARCHIVE' && !gzip && result.members.length === 0 && result.problems.length === 0) {
        result.failures.push(new RuntimeError(`the outputs archive ${describe} is not a readable tar; ${AGAIN}`))
      }
    },
  })
  // Node's own gunzip, in large pieces, on its thread pool: the inflating runs beside the hashing and writing here
  // (tar's built-in one inflates on this thread in 16 KiB pieces, twice as slow for a large archive). A plain tar
  // goes straight to the parser.
  const gunzip = gzip ? createGunzip({chunkSize: 1024 * 1024}) : undefined
  let packed = 0
  let unpacked = 0
  await new Promise<void>((resolve, reject) => {
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      packed += chunk.length
    })
    body.once('error', reject)
    parser.once('error', reject)
    parser.once('abort', reject)
    parser.once('end', () => resolve())
    if (!gunzip) {
      body.pipe(parser as unknown as NodeJS.WritableStream)
      return
    }

    // A gzip bomb is refused as tar's own inflating would refuse it: past 1000 times the bytes that came in.
    gunzip.on('data', (chunk: Buffer) => {
      unpacked += chunk.length
      if (unpacked > MAX_RATIO * packed) {
        body.unpipe(gunzip)
        gunzip.destroy()
        reject(
          new RuntimeError(`refused the outputs archive ${describe}: it inflates to over ${MAX_RATIO} times its size`),
        )
      }
    })
    gunzip.once('error', (error) =>
      reject(new RuntimeError(`the outputs archive ${describe} is not a readable tar.gz (${error.message}); ${AGAIN}`)),
    )
    body.pipe(gunzip).pipe(parser as unknown as NodeJS.WritableStream)
  }).finally(() => {
    for (const writer of open) writer.abandon()
  })
  result.sha256 = hash.digest('hex')
  return result
}

/** Where a file's pieces go as they come, and its end (the file closed; kept when it came whole). */
interface Writer {
  /** The archive broke off inside the file: closed, not kept, and the unpacking fails saying so. */
  abandon(): void
  end(): void
  write(chunk: Buffer): void
}

/**
 * One file of the archive, to be streamed into the staging folder under a number (hashed when its target exists):
 * what to do with each piece and at the end; undefined when it cannot be created (the failure is kept).
 */
function stageFile(
  member: Member,
  {result, root, staging}: {result: Streamed; root: string; staging: string},
): undefined | Writer {
  const staged = join(staging, String(result.members.length))
  let fd: number
  try {
    // The mode applies to later opens only: this descriptor writes even a read-only file.
    fd = openSync(staged, 'wx', member.mode)
  } catch (error) {
    result.failures.push(error as Error)
    return undefined
  }

  // A file not there yet needs no hash: nothing to compare it with.
  const hash = existsSync(resolve(root, ...member.path.split('/'))) ? createHash('sha256') : undefined
  let failed = false
  return {
    abandon() {
      closeSync(fd)
      result.failures.push(new RuntimeError(`the outputs archive ends in the middle of ${member.path}; ${AGAIN}`))
    },
    end() {
      closeSync(fd)
      if (!failed) result.staged.push({member, sha256: hash?.digest('hex'), staged})
    },
    write(chunk) {
      if (failed) return
      hash?.update(chunk)
      try {
        writeSync(fd, chunk)
      } catch (error) {
        failed = true
        result.failures.push(error as Error)
      }
    },
  }
}

/** Everything checked: directories made, links and files put in place (a rename each), hard links copied. */
function place({members, staged}: Streamed, root: string, into: string): Unpacked {
  const result: Unpacked = {unchanged: [], written: []}
  const target = (path: string): string => {
    const full = resolve(root, ...path.split('/'))
    // The folder that will hold it, made and resolved: an existing link there must not lead out either.
    mkdirSync(dirname(full), {recursive: true})
    const parent = realpathSync(dirname(full))
    if (parent !== root && !parent.startsWith(root + sep)) {
      throw new RuntimeError(`refused ${path}: ${relative(root, parent)} leads out of ${into}`)
    }

    return full
  }

  for (const member of members) {
    if (member.kind === 'dir') mkdirSync(target(`${member.path}/.`), {recursive: true})
    else if (member.kind === 'symlink') {
      const full = target(member.path)
      const temp = tempName(full)
      symlinkSync(member.link!, temp)
      placeTemp(temp, full)
      result.written.push(member.path)
    }
  }

  const files = new Map<string, Member>()
  for (const {member, sha256, staged: from} of staged) {
    files.set(member.path, member)
    const full = target(member.path)
    if (sameBytes(full, sha256 ?? (existsSync(full) ? fileSha256(from) : undefined))) {
      result.unchanged.push(member.path)
      continue
    }

    try {
      renameSync(from, full)
    } catch (error) {
      // Another file system under `into` (a mount): copied beside the target, then renamed.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
      placeCopy(from, full, member.path, result)
      continue
    }

    result.written.push(member.path)
  }

  for (const member of members.filter((m) => m.kind === 'hardlink')) {
    // A second name for a file of the archive: a copy of it here (the first name is written by then).
    const source = files.get(posix.normalize(member.link!))
    if (!source) throw new RuntimeError(`refused ${member.path}: it links to ${member.link}, not a file of the archive`)
    placeCopy(target(source.path), target(member.path), member.path, result)
  }

  return result
}

/** A copy of `source` at `full`, through a temporary name; left alone when the bytes are already there. */
function placeCopy(source: string, full: string, path: string, result: Unpacked): void {
  if (sameBytes(full, fileSha256(source))) {
    result.unchanged.push(path)
    return
  }

  const temp = tempName(full)
  try {
    copyFileSync(source, temp)
  } catch (error) {
    drop(temp)
    throw error
  }

  placeTemp(temp, full)
  result.written.push(path)
}

/** A fresh temporary name beside `full`, tracked until it is placed or dropped (partial-files.ts). */
function tempName(full: string): string {
  const temp = join(dirname(full), `.${randomBytes(6).toString('hex')}.mfbatch-tmp`)
  track(temp)
  return temp
}

/** The temporary file renamed into place: whole, in one step. */
function placeTemp(temp: string, full: string): void {
  renameSync(temp, full)
  untrack(temp)
}

function drop(temp: string): void {
  rmSync(temp, {force: true})
  untrack(temp)
}

/** Whether `path` is a regular file (not a link) with these bytes. */
function sameBytes(path: string, sha256: string | undefined): boolean {
  try {
    if (!lstatSync(path).isFile()) return false
  } catch {
    return false
  }

  return sha256 !== undefined && fileSha256(path) === sha256
}

/** A file's SHA-256, read in 1 MiB pieces; undefined when it cannot be read. */
export function fileSha256(path: string): string | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }

  try {
    const hash = createHash('sha256')
    const buffer = Buffer.allocUnsafe(1024 * 1024)
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n))
    return hash.digest('hex')
  } finally {
    closeSync(fd)
  }
}
