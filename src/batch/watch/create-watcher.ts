/**
 * A JobWatcher wired to AWS: DescribeJobs through jobs/query.ts (100 ids a call), and the RUNNABLE diagnosis through
 * queues/platform.ts and runnable-diagnosis.ts. Kept apart from job-watcher.ts, which jobs/query.ts imports, so no import goes round.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {describeJobs} from '../jobs/query'
import {nodeIds} from '../nodes/ids'
import {nodeCountOf} from '../nodes/of-job'
import {isTransient} from '../pacing'
import {parseDuration} from '../parse/time'
import {placeInLine} from '../queues/line'
import {describeQueue} from '../queues/platform'
import {failedChildrenOf} from './array-children'
import {DEFAULT_RUNNABLE_AFTER_MS, JobWatcher, type WatchOptions} from './job-watcher'
import {diagnoseRunnable} from './runnable-diagnosis'

/**
 * How long a job may stay RUNNABLE before it is diagnosed. Not a flag: the minute of DESIGN.md section 4 suits
 * people; tests and demos shorten it with this variable (e.g. MFBATCH_RUNNABLE_DIAGNOSIS_AFTER=2s).
 */
export const RUNNABLE_AFTER_ENV = 'MFBATCH_RUNNABLE_DIAGNOSIS_AFTER'

export function runnableAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[RUNNABLE_AFTER_ENV]
  return value ? parseDuration(value, RUNNABLE_AFTER_ENV) : DEFAULT_RUNNABLE_AFTER_MS
}

export type WatcherHooks = Omit<WatchOptions, 'describe' | 'diagnose' | 'failedChildren'>

export function createWatcher(batch: BatchApi, ids: readonly string[], hooks: WatcherHooks = {}): JobWatcher {
  return new JobWatcher(ids, {
    ...hooks,
    describe: describer(batch),
    diagnose: (job) => diagnose(batch, job),
    failedChildren: (parent) => failedChildrenOf(batch, parent),
  })
}

/**
 * jobs/query.ts turns every AWS error into a sentence; the watcher must still tell throttling from a real failure to
 * back off and keep going. So a transient error leaves as the SDK raised it, anything else as jobs.ts's sentence.
 */
function describer(batch: BatchApi): (ids: readonly string[]) => Promise<JobDetail[]> {
  return async (ids) => {
    let raw: unknown
    const watched: BatchApi = {
      ...batch,
      describeJobs: (input) =>
        batch.describeJobs(input).catch((error: unknown) => {
          raw = error
          throw error
        }),
    }
    try {
      return (await describeJobs(watched, ids)).jobs
    } catch (error) {
      throw raw !== undefined && isTransient(raw) ? raw : error
    }
  }
}

/** A multi-node parent has no container: what it needs is in its nodes (one more DescribeJobs, once a job). */
async function nodesOf(batch: BatchApi, job: JobDetail): Promise<JobDetail[]> {
  const count = nodeCountOf(job)
  return count === undefined || !job.jobId ? [] : (await describeJobs(batch, nodeIds(job.jobId, count))).jobs
}

async function diagnose(batch: BatchApi, job: JobDetail): Promise<string[]> {
  try {
    const info = job.jobQueue ? await describeQueue(batch, job.jobQueue) : undefined
    return [...(await placeInLine(batch, job)), ...diagnoseRunnable(job, info, await nodesOf(batch, job))]
  } catch (error) {
    if (isTransient(error)) throw error // the watcher tries again on its next round
    return diagnoseRunnable(job)
  }
}
