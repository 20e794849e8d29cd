/**
 * The package's stat cache, as git's index is for `git status`: the SHA-256 and size of the archive last built from
 * a tree, keyed by what lstat says of every file in it (path, size, mtime, ctime, inode, mode) and by how the
 * archive is made. A second submit of an unchanged tree lists and stats its files, finds the key, and reads and
 * hashes nothing; the archive is built only if S3 turns out to lack it (prepare.ts). A tree with a file changed in
 * the last two seconds is not remembered, since a change within the same clock tick would keep its mtime (git's
 * "racy" files). One file in the user's cache folder, through the trusted cache helpers of src/files/; off with
 * MFBATCH_NO_CACHE.
 */
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {PackageFile} from './files'

import {cacheDir} from '../../cache-dir'
import {readCacheFile, replaceCacheFile} from '../../files/cache-files'
import {ARCHIVE_FORMAT} from './archive'

const FILE = 'packages.json'
const LABEL = 'the package cache'
const MAX_ENTRIES = 64
const RACY_MS = 2000

export interface CachedArchive {
  bytes: number
  sha256: string
}

interface Entries {
  [key: string]: CachedArchive & {at: number}
}

/** The tree's key; undefined when a file changed too recently to trust its mtime. */
export function treeKey(dir: string, files: readonly PackageFile[], now = Date.now()): string | undefined {
  const hash = createHash('sha256').update(`${ARCHIVE_FORMAT}\0${dir}\0`)
  for (const file of files) {
    if (file.stat === undefined || now - file.stat.changedMs < RACY_MS) return undefined
    hash.update(`${file.path}\0${file.stat.key}\0`)
  }

  return hash.digest('hex')
}

function cacheFile(env: NodeJS.ProcessEnv): string | undefined {
  const dir = cacheDir(env)
  return dir === undefined ? undefined : join(dir, FILE)
}

function read(file: string): Entries {
  try {
    const parsed = JSON.parse(readCacheFile(file, LABEL) ?? '{}') as unknown
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Entries) : {}
  } catch {
    return {}
  }
}

export function cachedArchive(key: string | undefined, env = process.env): CachedArchive | undefined {
  const file = cacheFile(env)
  if (key === undefined || file === undefined) return undefined
  const hit = read(file)[key]
  return hit && typeof hit.sha256 === 'string' && /^[\da-f]{64}$/.test(hit.sha256) && Number.isInteger(hit.bytes)
    ? {bytes: hit.bytes, sha256: hit.sha256}
    : undefined
}

/** Remembers the archive of a tree (the newest MAX_ENTRIES trees are kept); a cache that cannot be written is skipped. */
export function rememberArchive(key: string | undefined, archive: CachedArchive, env = process.env): void {
  const file = cacheFile(env)
  if (key === undefined || file === undefined) return
  try {
    const entries = {...read(file), [key]: {...archive, at: Date.now()}}
    const kept = Object.entries(entries)
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_ENTRIES)
    replaceCacheFile(file, JSON.stringify(Object.fromEntries(kept)), LABEL)
  } catch {
    // A read-only or full disk: the next submit reads and hashes the tree again.
  }
}
