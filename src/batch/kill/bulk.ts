/**
 * TerminateJobs: up to 50 jobs of one queue a call, each job's result in the answer (`successful`, or `errors` with a
 * code and message: the call itself answers 200 when some jobs fail). One call where TerminateJob takes fifty. An
 * endpoint that does not know the operation (an older region, moto, another emulator) answers UnknownOperation: the
 * jobs not yet sent are handed back, for TerminateJob one by one.
 */
import type {JobDetail, TerminateJobsCommandOutput} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'
import type {TokenBucket} from '../jobs/rate'

import {explainAwsError} from '../errors'
import {mapLimit} from '../jobs/pool'
import {backoffDelay, type Clock, errorName, isTransient} from '../pacing'

/** TerminateJobsRequest.jobs: "an array of up to 50 Batch job IDs" (the SDK's documentation of the operation). */
export const TERMINATE_JOBS_MAX = 50
/** Per-job error codes AWS lists as worth another try ("Retry the request"). */
const RETRYABLE_CODES = new Set(['ServerException', 'ThrottlingException'])

export type Outcome = {kind: 'failed'; message: string} | {kind: 'notFound'} | {kind: 'terminated'}

export interface BulkPacing {
  batch: BatchApi
  bucket: TokenBucket
  clock: Clock
  /** Calls in flight at once. */
  inFlight: number
  /** After each group is settled, with the number of jobs it held. */
  onGroupSettled?: (jobs: number) => void
  random?: () => number
  reason: string
  /** Transient failures tried again this many times before the jobs count as failed. */
  retries: number
}

export interface BulkResult {
  outcomes: Map<string, Outcome>
  /** Jobs never sent because the endpoint does not know TerminateJobs. */
  unsent: JobDetail[]
}

/** Groups of up to 50 jobs of the same queue, in the order the jobs came. */
export function queueGroups(jobs: readonly JobDetail[], size = TERMINATE_JOBS_MAX): JobDetail[][] {
  const byQueue = new Map<string, JobDetail[]>()
  for (const job of jobs) {
    const queue = job.jobQueue ?? ''
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), job])
  }

  return [...byQueue.values()].flatMap((inQueue) =>
    Array.from({length: Math.ceil(inQueue.length / size)}, (_, i) => inQueue.slice(i * size, (i + 1) * size)),
  )
}

/**
 * Terminates `jobs` with TerminateJobs. The first group goes alone: if the endpoint does not know the operation,
 * nothing else was sent and every job comes back in `unsent`.
 */
export async function terminateInGroups(jobs: readonly JobDetail[], pacing: BulkPacing): Promise<BulkResult> {
  const outcomes = new Map<string, Outcome>()
  const [first, ...rest] = queueGroups(jobs)
  if (!first) return {outcomes, unsent: []}
  if ((await sendGroup(first, outcomes, pacing)) === 'unsupported') return {outcomes, unsent: [...jobs]}
  const unsent: JobDetail[] = []
  await mapLimit(rest, pacing.inFlight, async (group) => {
    if ((await sendGroup(group, outcomes, pacing)) === 'unsupported') unsent.push(...group)
  })
  return {outcomes, unsent}
}

/** One group, its retryable leftovers sent again; 'unsupported' when the endpoint does not know the operation. */
async function sendGroup(
  group: readonly JobDetail[],
  outcomes: Map<string, Outcome>,
  pacing: BulkPacing,
): Promise<'done' | 'unsupported'> {
  const {batch, bucket, clock, random, reason, retries} = pacing
  let pending = group.map((job) => job.jobId!)
  for (let attempt = 1; pending.length > 0; attempt++) {
    // eslint-disable-next-line no-await-in-loop -- pacing: each call waits for its turn in the bucket
    await bucket.take()
    let answer: TerminateJobsCommandOutput
    try {
      // eslint-disable-next-line no-await-in-loop
      answer = await batch.terminateJobs({jobs: pending, reason})
      bucket.succeeded()
    } catch (error) {
      if (isUnknownOperation(error)) return 'unsupported'
      if (isTransient(error) && attempt <= retries) {
        bucket.throttled()
        // eslint-disable-next-line no-await-in-loop
        await clock.sleep(backoffDelay(attempt, {random}))
        continue
      }

      const {message} = explainAwsError(error, `terminating ${pending.length} jobs`)
      for (const id of pending) outcomes.set(id, {kind: 'failed', message})
      break
    }

    const again = readAnswer(answer, pending, outcomes, attempt <= retries)
    pending = again
    if (again.length > 0) {
      bucket.throttled()
      // eslint-disable-next-line no-await-in-loop
      await clock.sleep(backoffDelay(attempt, {random}))
    }
  }

  pacing.onGroupSettled?.(group.length)
  return 'done'
}

/**
 * Records each job of the answer; returns the ids to send again (a per-job throttle or server error, while retries
 * remain).
 */
function readAnswer(
  answer: TerminateJobsCommandOutput,
  pending: readonly string[],
  outcomes: Map<string, Outcome>,
  mayRetry: boolean,
): string[] {
  for (const id of answer.successful ?? []) outcomes.set(id, {kind: 'terminated'})
  const again: string[] = []
  for (const {code = '', job, message = ''} of answer.errors ?? []) {
    if (!job) continue
    if (RETRYABLE_CODES.has(code) && mayRetry) again.push(job)
    else outcomes.set(job, {kind: 'failed', message: `${code}: ${message}`})
  }

  // An id the answer names nowhere was not terminated: say so rather than count it as done.
  for (const id of pending) {
    if (!outcomes.has(id) && !again.includes(id)) {
      outcomes.set(id, {kind: 'failed', message: 'TerminateJobs did not report this job'})
    }
  }

  return again
}

/**
 * The endpoint has no such operation: AWS's UnknownOperationException, or a 404, which no Batch operation answers
 * (their errors are ClientException and ServerException, 400 and 500).
 */
export function isUnknownOperation(error: unknown): boolean {
  if (errorName(error) === 'UnknownOperationException') return true
  return (error as undefined | {$metadata?: {httpStatusCode?: number}})?.$metadata?.httpStatusCode === 404
}
