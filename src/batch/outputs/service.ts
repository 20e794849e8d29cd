/**
 * `mfbatch outputs JOB` (DESIGN.md section 12): the attempts of a job (or of every child of an array) that left
 * outputs, listed; or the chosen ones (the last attempt by default) downloaded, each child into `DIR/<index>/`.
 */
import {join} from 'node:path'

import type {BatchApi, S3Api} from '../clients'

import {InputError, RuntimeError} from '../../errors'
import {type RecentResolver} from '../history/recent'
import {parseJobId} from '../jobs/ids'
import {
  type AttemptOutputs,
  chooseAttempts,
  downloadAttempt,
  type Downloaded,
  findOutputsTarget,
  listAttempts,
} from './fetch'

export interface OutputsRequest {
  /** Every child of an array (or node of a multi-node job), each into `to/<index>/`. */
  all: boolean
  /** The attempt (1 = the first); default: each job's last. */
  attempt?: number
  jobId: string
}

/** `JOB`, `JOB:N`, `last`, `last:N` (the last job's child N): the job id, checked before any call. */
export function parseOutputsJob(value: string, all: boolean, recent?: RecentResolver): string {
  const child = /^(last(?:~\d+)?)([:#]\d+)$/.exec(value)
  const id = child ? parseJobId(child[1], 'JOB', recent) + child[2] : parseJobId(value, 'JOB', recent)
  if (all && /[:#]/.test(id)) {
    throw new InputError(
      `--all brings every child of ${id.replace(/[:#].*$/, '')}; give the job id without :N, or drop --all`,
    )
  }

  return id
}

export interface Found {
  /** Every attempt that left outputs. */
  attempts: AttemptOutputs[]
  bucket: string
  /** The ones to download: the one asked for, or each job's last. */
  chosen: AttemptOutputs[]
}

export async function findOutputs(batch: BatchApi, s3: S3Api, request: OutputsRequest): Promise<Found> {
  const target = await findOutputsTarget(batch, request.jobId)
  const attempts = await listAttempts(s3, target, request.jobId, request.all)
  if (attempts.length === 0) {
    const hint = request.all
      ? 'no child uploaded any (did they run yet?)'
      : 'none was uploaded yet (the job may still run, or be an array or multi-node job: add --all, or give JOB:N)'
    throw new RuntimeError(`no outputs found for job ${request.jobId}: ${hint}`)
  }

  const chosen = chooseAttempts(attempts, request.attempt)
  if (chosen.length === 0) {
    const have = [...new Set(attempts.map((a) => a.attempt))].join(', ')
    throw new RuntimeError(`job ${request.jobId} has no outputs of attempt ${request.attempt}; it has attempt ${have}`)
  }

  return {attempts, bucket: target.bucket, chosen}
}

/** Each chosen attempt downloaded into `to` (with --all: `to/<index>/`), one after the other. */
export async function downloadOutputs(
  s3: S3Api,
  found: Found,
  to: string,
  all: boolean,
): Promise<Array<Downloaded & {into: string}>> {
  const done: Array<Downloaded & {into: string}> = []
  for (const attempt of found.chosen) {
    const into = all ? join(to, /[:#](\d+)$/.exec(attempt.jobId)?.[1] ?? '') : to
    // eslint-disable-next-line no-await-in-loop -- one archive at a time: disk and memory stay flat
    done.push({...(await downloadAttempt(s3, found.bucket, attempt, into)), into})
  }

  return done
}
