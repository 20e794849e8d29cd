/**
 * Where a job's outputs live (DESIGN.md section 12): `<root>/mfbatch/outputs/<submission>/<job id>/attempt-<n>.tar.gz`
 * and its manifest `attempt-<n>.json`, the root the package's (`--package-root`, the emulator's bucket with
 * `--local`). The submission is a fresh random id per submit: the job id is not known until SubmitJob answers, and
 * the job adds its own id and attempt (AWS_BATCH_JOB_ID, AWS_BATCH_JOB_ATTEMPT) when it uploads.
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

/** The key of one attempt's archive (`.tar.gz`) or manifest (`.json`), without the extension. */
export function attemptKey(target: OutputsTarget, jobId: string, attempt: number): string {
  return `${target.prefix}/${jobId}/attempt-${attempt}`
}

const ALLOWED =
  'use a file, directory or glob relative to the working directory: no leading / or -, no .., no spaces, quotes or ' +
  'backslashes (a glob such as "my?file" matches those)'

/** `--output PATH` values, checked before any API call: relative, inside the working directory. */
export function parseOutputPaths(values: readonly string[] | undefined): string[] {
  const paths: string[] = []
  for (const value of values ?? []) {
    if (/=s3:\/\//.test(value)) {
      throw invalid('--output', value, 'leaving an output in S3 (PATH=s3://...) is not supported yet; use PATH alone')
    }

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
