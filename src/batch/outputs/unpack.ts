/**
 * Unpacks a job's outputs archive into a local directory, safely (DESIGN.md section 12). The archive was made by a
 * job, so it is checked whole first: every entry a file, directory or link with a relative path, no `..`, no link
 * that leads out; one bad entry refuses the archive before anything is written. Then each file is streamed into a
 * temporary name beside its target and renamed into place (a file is whole or absent, never half written), and a
 * file whose bytes are already there is left alone (its SHA-256 compared), so a second download changes nothing
 * and `make` sees no new mtime. Files get the time they are written, not the archive's fixed date, so `make` sees
 * them as new.
 */
import {createHash, randomBytes} from 'node:crypto'
import {
  closeSync,
  copyFileSync,
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

/** Every entry, checked; throws naming the first bad one. */
async function readMembers(archive: string): Promise<Member[]> {
  const {list} = await import('tar')
  const members: Member[] = []
  const problems: string[] = []
  await list({
    file: archive,
    onReadEntry(entry) {
      const problem = memberProblem(entry.type, entry.path, entry.linkpath)
      if (problem) problems.push(problem)
      else if (posix.normalize(entry.path) !== '.') {
        members.push({
          kind: KINDS[entry.type],
          link: entry.linkpath,
          // Permission bits only (no setuid, setgid or sticky bit from a job's archive).
          mode: (entry.mode ?? 0o644) % 0o1000,
          path: posix.normalize(entry.path).replace(/\/$/, ''),
        })
      }

      entry.resume()
    },
  })
  if (problems.length > 0) {
    throw new RuntimeError(`refused the outputs archive, nothing was written: ${problems[0]}`)
  }

  return members
}

/** Checks the archive whole, then writes its files into `into` one by one (temporary name, then rename). */
export async function unpackOutputs(archive: string, into: string): Promise<Unpacked> {
  const members = await readMembers(archive)
  mkdirSync(into, {recursive: true})
  const root = realpathSync(into)
  const files = new Map(members.filter((m) => m.kind === 'file').map((m) => [m.path, m]))
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
      place(temp, full)
      result.written.push(member.path)
    }
  }

  // Then the files, the archive streamed once more, each file written as it comes; hard links after them.
  const {list} = await import('tar')
  const failures: Error[] = []
  await list({
    file: archive,
    onReadEntry(entry) {
      const member = KINDS[entry.type] === 'file' ? files.get(posix.normalize(entry.path)) : undefined
      if (!member || failures.length > 0) {
        entry.resume()
        return
      }

      let full: string
      let fd: number
      let temp: string
      try {
        full = target(member.path)
        temp = tempName(full)
        // The mode applies to later opens only: this descriptor writes even a read-only file.
        fd = openSync(temp, 'wx', member.mode)
      } catch (error) {
        failures.push(error as Error)
        entry.resume()
        return
      }

      const hash = createHash('sha256')
      let failed = false
      const fail = (error: Error) => {
        failed = true
        failures.push(error)
        closeSync(fd)
        drop(temp)
      }

      entry.on('data', (chunk: Buffer) => {
        if (failed) return
        hash.update(chunk)
        try {
          writeSync(fd, chunk)
        } catch (error) {
          fail(error as Error)
        }
      })
      entry.on('end', () => {
        if (failed) return
        closeSync(fd)
        if (sameBytes(full, hash.digest('hex'))) {
          drop(temp)
          result.unchanged.push(member.path)
        } else {
          place(temp, full)
          result.written.push(member.path)
        }
      })
    },
  })
  if (failures.length > 0) throw failures[0]
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

  place(temp, full)
  result.written.push(path)
}

/** A fresh temporary name beside `full`, tracked until it is placed or dropped (partial-files.ts). */
function tempName(full: string): string {
  const temp = join(dirname(full), `.${randomBytes(6).toString('hex')}.mfbatch-tmp`)
  track(temp)
  return temp
}

/** The temporary file renamed into place: whole, in one step. */
function place(temp: string, full: string): void {
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
