/**
 * Where a job's outputs live (DESIGN.md section 12): `<root>/mfbatch/outputs/<submission>/<job id>/attempt-<n>.tar.gz`
 * (`.tar` when large: bootstrap-section.ts, GZIP_LIMIT) and its manifest `attempt-<n>.json`, the root the package's
 * (`--package-root`, the emulator's bucket with `--local`). The submission is a fresh random id per submit: the job
 * id is not known until SubmitJob answers, and the job adds its own id and attempt (AWS_BATCH_JOB_ID,
 * AWS_BATCH_JOB_ATTEMPT) when it uploads.
 */
import {randomUUID} from 'node:crypto'

import type {Sourced} from '../../config/types'
import type {PackageRoot} from '../package/root'
import type {OutputsTarget} from './bootstrap-section'

import {InputError, invalid} from '../../errors'
import {parsePackageRoot} from '../package/root'

export const OUTPUTS_PREFIX = 'mfbatch/outputs/'

export function outputsTarget(root: PackageRoot, submission = randomUUID()): OutputsTarget {
  return {bucket: root.bucket, prefix: `${root.prefix ? `${root.prefix}/` : ''}${OUTPUTS_PREFIX}${submission}`}
}

const ALLOWED =
  'use a file, directory or glob relative to the working directory: no leading / or -, no .., no spaces, quotes or ' +
  'backslashes (a glob such as "my?file" matches those)'

/** `--output PATH` values, checked before any API call: relative, inside the working directory. */
export function parseOutputPaths(values: readonly string[] | undefined): string[] {
  const paths: string[] = []
  for (const value of values ?? []) {
    if (/=s3:\/\//.test(value)) continue // parseS3Outputs
    const clean = value.replace(/^(?:\.\/)+/, '')
    // The job's script splits the list on spaces and writes it into JSON: see bootstrap-section.ts.
    if (
      clean === '' ||
      clean === '.' ||
      /^[/-]/.test(value) ||
      value.split('/').includes('..') ||
      /[\s"'\\]/.test(value)
    ) {
      throw invalid('--output', value, ALLOWED)
    }

    if (!paths.includes(clean)) paths.push(clean)
  }

  return paths
}

/** `--output PATH=s3://BUCKET/PREFIX/`: an output the job leaves in S3 instead of the archive. */
export interface S3Output {
  path: string
  /** Ends in /: a file goes under it by its name, a directory's files by their paths in it. */
  url: string
}

const S3_ALLOWED =
  'use PATH=s3://BUCKET/PREFIX/ (ending in /) with PATH a file or directory relative to the working directory: no ' +
  'glob, no leading / or -, no .., no spaces, commas or quotes'

/** The job's script splits the list on spaces and commas (bootstrap-section.ts), and a glob would not expand. */
const UNSAFE_S3 = /[\s"',\\*?[]/

export function parseS3Outputs(values: readonly string[] | undefined): S3Output[] {
  const found: S3Output[] = []
  for (const value of values ?? []) {
    const match = /^(.+?)=(s3:\/\/.*)$/.exec(value)
    if (!match) continue
    const path = match[1].replace(/^(?:\.\/)+/, '').replace(/\/$/, '')
    const url = match[2]
    if (path === '' || path === '.' || /^[/-]/.test(path) || path.split('/').includes('..') || UNSAFE_S3.test(path)) {
      throw invalid('--output', value, S3_ALLOWED)
    }

    if (!/^s3:\/\/[^/]+\/(?:.*\/)?$/.test(url) || UNSAFE_S3.test(url)) throw invalid('--output', value, S3_ALLOWED)
    found.push({path, url})
  }

  return found
}

/**
 * The S3 root for outputs, inputs and their steps: the package's (`--package-root`, METAFLOW_DATASTORE_SYSROOT_S3;
 * the emulator's bucket with `--local`). Without one, the error names the flag that needs it, not `--package`.
 */
export function resultsRoot(root: Sourced, local: boolean | undefined, flag: '--input' | '--output'): PackageRoot {
  if (!local && (root.value === undefined || root.value === null || root.value === '')) {
    throw new InputError(
      `${flag} needs an S3 root to pass files through: set --package-root s3://BUCKET/PREFIX or ` +
        'METAFLOW_DATASTORE_SYSROOT_S3 (environment or Metaflow config)',
    )
  }

  return parsePackageRoot(root, Boolean(local))
}
