/**
 * `--oom-retry` for an array job: the children that ran out of memory are rerun as one new array of only those
 * indices (one job when it is a single index). A job reads its index from AWS_BATCH_JOB_ARRAY_INDEX, which a submit
 * cannot set (AWS reserves the AWS_BATCH_ prefix), so the rerun's command goes through a small sh wrapper that maps
 * the new array's index to the original one listed in MFBATCH_ARRAY_INDICES, and exports it under the name the job
 * reads.
 */
import type {JobDetail, JobSummary} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'
import type {Submission} from '../submit/service'

import {planRerun} from '../rerun/plan'
import {loadOldJob, submitRerun} from '../rerun/service'
import {OOM_REASON_PREFIX} from './grow'

export const INDICES_VARIABLE = 'MFBATCH_ARRAY_INDICES'
const WRAPPER_NAME = 'mfbatch-array-index'
/** Child N of the new array (N from 0; none for a single job) runs as the Nth index of the list. */
const WRAPPER =
  `AWS_BATCH_JOB_ARRAY_INDEX=$(printf '%s' "$${INDICES_VARIABLE}" | cut -d, -f$((\${AWS_BATCH_JOB_ARRAY_INDEX:-0} + 1)))` +
  '; export AWS_BATCH_JOB_ARRAY_INDEX; exec "$@"'

export interface ArrayOutcome {
  /** Indices in the first array of the children that ran out of memory, lowest first. */
  oom: number[]
  /** Children that failed for another reason. */
  otherFailures: number
}

/** The array's FAILED children (ListJobs, every page), sorted into out-of-memory ones (by original index) and the rest. */
export async function failedChildren(batch: BatchApi, parent: JobDetail): Promise<ArrayOutcome> {
  const children: JobSummary[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages follow one another
    const page = await batch.listJobs({arrayJobId: parent.jobId, jobStatus: 'FAILED', nextToken})
    children.push(...(page.jobSummaryList ?? []))
    nextToken = page.nextToken
  } while (nextToken)

  const original = originalIndices(parent)
  const oom = children
    .filter((child) => (child.container?.reason ?? '').startsWith(OOM_REASON_PREFIX))
    .map((child) => child.arrayProperties?.index ?? 0)
    .map((index) => original?.[index] ?? index)
    .sort((a, b) => a - b)
  return {oom, otherFailures: children.length - oom.length}
}

/** The original indices a rerun array stands for (from its MFBATCH_ARRAY_INDICES), or undefined for a first array. */
export function originalIndices(job: JobDetail): number[] | undefined {
  const value = job.container?.environment?.find((e) => e.name === INDICES_VARIABLE)?.value
  return value ? value.split(',').map(Number) : undefined
}

/** The command with the index wrapper in front, once. */
export function withIndexWrapper(command: readonly string[]): string[] {
  if (command[0] === 'sh' && command[1] === '-c' && command[3] === WRAPPER_NAME) return [...command]
  return ['sh', '-c', WRAPPER, WRAPPER_NAME, ...command]
}

/** The array `jobId` again for `indices` only, with `memory` MiB, tagged as its rerun. */
export async function rerunChildren(
  batch: BatchApi,
  jobId: string,
  indices: readonly number[],
  memory: number,
): Promise<Submission> {
  const old = await loadOldJob(batch, jobId, false)
  const environment = [{name: INDICES_VARIABLE, value: indices.join(',')}]
  const requests = planRerun(old, {
    ...(indices.length > 1 ? {arraySize: indices.length} : {}),
    environment,
    memory,
    tags: {},
  })
  const {submitJob} = requests
  submitJob.containerOverrides = {
    ...submitJob.containerOverrides,
    command: withIndexWrapper(submitJob.containerOverrides?.command ?? []),
  }
  // One index: a plain job (an array has at least 2 children); the wrapper then takes the first index.
  if (indices.length === 1) delete submitJob.arrayProperties
  const made = await submitRerun(batch, requests)
  const platform = old.job.platformCapabilities?.includes('FARGATE') ? 'FARGATE' : 'EC2'
  return {...made, defaultedQueue: false, platform, warnings: []}
}
