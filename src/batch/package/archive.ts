/**
 * The package as a deterministic tar.gz: entries sorted, every mtime the same fixed date, no uid/gid or owner
 * names (tar's `portable`), gzip without a timestamp. The same tree therefore always gives the same bytes, and
 * their SHA-256 names the object in S3 (so an unchanged tree is never uploaded twice). Modes are kept, so
 * executable scripts stay executable.
 *
 * Streamed, never held whole: tar -> gzip -> the hash and a private temporary file, which the upload then reads.
 * The file goes when the process exits.
 */
import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {createWriteStream, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {InputError} from '../../errors'
import {type PackageFile} from './files'

/** A fixed mtime for every entry: 2000-01-01, late enough that no tool takes it for "no date". */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1))
export const WARN_BYTES = 100 * 1024 * 1024
/**
 * gzip's own default level, as `tar -czf` uses: level 9 took three times as long for a few per cent less. Part of
 * the stat cache's key (stat-cache.ts): another level makes other bytes, so another SHA-256.
 */
const GZIP_LEVEL = 6
export const ARCHIVE_FORMAT = `tar.gz:${GZIP_LEVEL}`
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

export interface PackageArchive {
  bytes: number
  /** The tar.gz on disk (removed when the process exits). */
  path: string
  sha256: string
}

/** `into`: the folder for the file (default: a private temporary one, removed when the process exits). */
export async function buildArchive(
  root: string,
  files: readonly PackageFile[],
  into = privateTempDir(),
): Promise<PackageArchive> {
  // Loaded here, not at the top: only `--package` needs tar (its own file in the build, dist/chunks/tar.js).
  const {create} = await import('tar')
  const path = join(into, 'package.tar.gz')
  // 'wx': a new file only (in a folder that mkdtemp made 0700 under a random name, by default).
  const out = createWriteStream(path, {flags: 'wx', mode: 0o600})
  const closed = once(out, 'close')
  const hash = createHash('sha256')
  let bytes = 0
  try {
    const stream = create(
      {cwd: root, gzip: {level: GZIP_LEVEL}, mtime: FIXED_MTIME, noDirRecurse: true, portable: true, strict: true},
      files.map((file) => file.path),
    )
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk)
      bytes += chunk.length
      if (!out.write(chunk)) await once(out, 'drain')
    }
  } finally {
    out.end()
    await closed
  }

  return {bytes, path, sha256: hash.digest('hex')}
}

/** Removes an archive made in its default folder, and the folder (once uploaded, it is not needed). */
export function removeArchive(path: string): void {
  rmSync(dirname(path), {force: true, recursive: true})
}

/** A fresh 0700 folder under the system's temp dir, removed with everything in it when the process exits. */
function privateTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-package-'))
  process.once('exit', () => rmSync(dir, {force: true, recursive: true}))
  return dir
}

export interface SizeCheck {
  total: number
  warning?: string
}

/** Refuses more than `maxBytes` of files (naming the five biggest); warns above 100 MB. Before any AWS call. */
export function checkPackageSize(files: readonly PackageFile[], maxBytes: number, label: string): SizeCheck {
  const total = files.reduce((sum, file) => sum + file.size, 0)
  if (total > maxBytes) {
    const biggest = [...files]
      .sort((a, b) => b.size - a.size)
      .slice(0, 5)
      .map((file) => `${file.path} (${megabytes(file.size)})`)
      .join(', ')
    throw new InputError(
      `${label}: the package would hold ${megabytes(total)}, above the limit of ${megabytes(maxBytes)} ` +
        `(--package-max-size); biggest files: ${biggest}; leave them out with .mfbatchignore or --package-exclude`,
    )
  }

  return total > WARN_BYTES
    ? {total, warning: `the package holds ${megabytes(total)} of files; uploads of this size take a while`}
    : {total}
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`
}
