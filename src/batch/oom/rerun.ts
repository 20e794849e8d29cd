/**
 * The rerun of a job that ran out of memory: the same job (read again, as `rerun` reads it) with more memory, tagged
 * with the job it replaces (mfbatch:rerun-of), sent exactly once. The ceiling comes from the job's queue.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'
import type {Submission} from '../submit/service'

import {describeQueue} from '../queues/platform'
import {planRerun} from '../rerun/plan'
import {loadOldJob, submitRerun} from '../rerun/service'
import {memoryCeiling} from './grow'

/** The most memory the job's queue can give one job (grow.ts); undefined when it cannot be known. */
export async function queueMemoryCeiling(batch: BatchApi, job: JobDetail): Promise<number | undefined> {
  if (!job.jobQueue) return undefined
  return memoryCeiling(await describeQueue(batch, job.jobQueue))
}

export async function rerunWithMemory(batch: BatchApi, jobId: string, memory: number): Promise<Submission> {
  const old = await loadOldJob(batch, jobId, false)
  const made = await submitRerun(batch, planRerun(old, {environment: [], memory, tags: {}}))
  const platform = old.job.platformCapabilities?.includes('FARGATE') ? 'FARGATE' : 'EC2'
  return {...made, defaultedQueue: false, platform, warnings: []}
}
