/**
 * `--input SRC=PATH` values (DESIGN.md section 12), checked before any API call: SRC an S3 object
 * (`s3://BUCKET/KEY`), an S3 prefix (`s3://BUCKET/PREFIX/`, ending in /), or a local file or directory outside the
 * package; PATH relative to the job's working directory. The split is at the last `=` (S3 keys may hold one).
 */
import {existsSync, statSync} from 'node:fs'
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {invalid} from '../../errors'

export type InputKind = 'dir' | 'file' | 's3-object' | 's3-prefix'

export interface InputSpec {
  kind: InputKind
  /** PATH, relative to the job's working directory. */
  path: string
  /** The S3 URL, or the local path made absolute. */
  source: string
}

const ALLOWED =
  'use SRC=PATH: SRC s3://BUCKET/KEY, s3://BUCKET/PREFIX/ or a local file or directory; PATH relative, without ' +
  '.., spaces or quotes'
/** Words the job's script splits on spaces and commas (see bootstrap-section.ts): none of them may hold one. */
const UNSAFE = /[\s"',\\]/

export function parseInputs(values: readonly string[] | undefined, cwd: string, packageDir?: string): InputSpec[] {
  return (values ?? []).map((value) => parseInput(value, cwd, packageDir))
}

function parseInput(value: string, cwd: string, packageDir?: string): InputSpec {
  const at = value.lastIndexOf('=')
  const source = value.slice(0, Math.max(0, at))
  const path = value.slice(at + 1).replace(/^(?:\.\/)+/, '')
  if (at <= 0 || path === '' || /^[/-]/.test(path) || path.split('/').includes('..') || UNSAFE.test(path)) {
    throw invalid('--input', value, ALLOWED)
  }

  if (source.startsWith('s3://')) {
    if (!/^s3:\/\/[^/]+\/./.test(source) || UNSAFE.test(source)) throw invalid('--input', value, ALLOWED)
    return {kind: source.endsWith('/') ? 's3-prefix' : 's3-object', path: path.replace(/\/$/, ''), source}
  }

  const full = resolve(cwd, source)
  if (!existsSync(full)) throw invalid('--input', value, `${source} does not exist here; ${ALLOWED}`)
  if (packageDir !== undefined) {
    const inside = relative(packageDir, full)
    if (inside === '' || !(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))) {
      throw invalid('--input', value, `${source} is in the package already; the job finds it there without --input`)
    }
  }

  return {kind: statSync(full).isDirectory() ? 'dir' : 'file', path: path.replace(/\/$/, ''), source: full}
}
