/**
 * `kill`: terminates many jobs (which also cancels jobs that have not started). Every id is described first, so
 * an unknown id is reported as such and a finished job is reported with its final state (a success: the job is
 * over, as asked) without a call. The rest go out as TerminateJobs, 50 jobs of a queue a call (kill/bulk.ts), or,
 * where the endpoint lacks that operation, as TerminateJob once per id; both in parallel, paced by a token bucket
 * that slows down when AWS throttles.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {explainAwsError} from '../errors'
import {type Outcome, terminateInGroups} from '../kill/bulk'
import {backoffDelay, type Clock, errorName, isTransient, systemClock} from '../pacing'
import {isFinished} from '../watch/job-watcher'
import {mapLimit} from './pool'
import {describeJobs} from './query'
import {TokenBucket} from './rate'

export const DEFAULT_REASON = 'Terminated by mfbatch'
/**
 * Calls per second: half of the 50 a second AWS Batch allows an account across all its API calls, leaving the rest
 * to whatever else the account runs. A lower limit (throttling) slows the bucket down by itself.
 */
export const DEFAULT_TERMINATE_RATE = 25
const IN_FLIGHT = 8
/** Throttled calls are tried again this many times (after the SDK's own retries) before the id counts as failed. */
const THROTTLE_RETRIES = 5

export interface TerminateReport {
  /** Finished before we asked, with their final status. */
  alreadyFinished: Array<{jobId: string; status: string}>
  /** TerminateJobs or TerminateJob failed for these (after retries), with the reason as a sentence. */
  failed: Array<{jobId: string; message: string}>
  notFound: string[]
  terminated: string[]
}

export interface TerminateOptions {
  clock?: Clock
  /** Called after each id is settled, for progress. */
  onSettled?: (settled: number, total: number) => void
  random?: () => number
  rate?: number
  reason?: string
}

export async function terminateJobs(
  batch: BatchApi,
  ids: readonly string[],
  options: TerminateOptions = {},
): Promise<TerminateReport> {
  const {jobs, missing} = await describeJobs(batch, ids)
  const report: TerminateReport = {alreadyFinished: [], failed: [], notFound: [...missing], terminated: []}
  const live: JobDetail[] = []
  for (const job of jobs) {
    if (isFinished(job.status)) report.alreadyFinished.push({jobId: job.jobId!, status: job.status!})
    else live.push(job)
  }

  const clock = options.clock ?? systemClock
  const bucket = new TokenBucket({clock, rate: options.rate ?? DEFAULT_TERMINATE_RATE})
  const total = live.length
  let settled = 0
  const bulk = await terminateInGroups(live, {
    batch,
    bucket,
    clock,
    inFlight: IN_FLIGHT,
    onGroupSettled(jobs) {
      settled += jobs
      options.onSettled?.(settled, total)
    },
    random: options.random,
    reason: options.reason ?? DEFAULT_REASON,
    retries: THROTTLE_RETRIES,
  })
  const single = await mapLimit(bulk.unsent, IN_FLIGHT, async (job) => {
    const outcome = await terminateOne(job.jobId!, {batch, bucket, clock, options})
    options.onSettled?.(++settled, total)
    return outcome
  })
  for (const [i, outcome] of single.entries()) bulk.outcomes.set(bulk.unsent[i].jobId!, outcome)
  // In the order the jobs were described, whichever way each was terminated.
  for (const job of live) {
    const jobId = job.jobId!
    const outcome = bulk.outcomes.get(jobId)
    if (!outcome) continue
    if (outcome.kind === 'terminated') report.terminated.push(jobId)
    else if (outcome.kind === 'notFound') report.notFound.push(jobId)
    else report.failed.push({jobId, message: outcome.message})
  }

  return report
}

interface Pacing {
  batch: BatchApi
  bucket: TokenBucket
  clock: Clock
  options: TerminateOptions
}

async function terminateOne(jobId: string, {batch, bucket, clock, options}: Pacing): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    // eslint-disable-next-line no-await-in-loop -- pacing: each call waits for its turn in the bucket
    await bucket.take()
    try {
      // eslint-disable-next-line no-await-in-loop
      await batch.terminateJob({jobId, reason: options.reason ?? DEFAULT_REASON})
      bucket.succeeded()
      return {kind: 'terminated'}
    } catch (error) {
      // A throttled or 5xx call did not take: slow everyone down and try this id again.
      if (isTransient(error) && attempt <= THROTTLE_RETRIES) {
        bucket.throttled()
        // eslint-disable-next-line no-await-in-loop
        await clock.sleep(backoffDelay(attempt, {random: options.random}))
        continue
      }

      // Described a moment ago, gone now (or never visible to TerminateJob): the same as unknown.
      if (errorName(error) === 'ClientException' && /not found|does not exist/i.test((error as Error).message)) {
        return {kind: 'notFound'}
      }

      return {kind: 'failed', message: explainAwsError(error, `terminating job ${jobId}`).message}
    }
  }
}
