/**
 * TerminateJobs and CancelJobs: TerminateJob and CancelJob for up to 50 jobs a call. AWS answers 200 with each job
 * in `successful` or `errors`; a job it cannot find counts as successful, as TerminateJob does for an unknown id. The
 * limits are the ones the operations' documentation gives (the published schema carries none: vendor/botocore).
 */
import type {JobRecord} from '../types'

import {BatchContext, Input} from '../context'
import {findJob} from './read'
import {clientError} from './submit-checks'

/** "An array of up to 50 Batch job IDs" (TerminateJobsRequest.jobs, CancelJobsRequest.jobs). */
export const MAX_BULK_JOBS = 50
/** "This parameter has a limit of 1024 characters" (reason). */
export const MAX_REASON_LENGTH = 1024

interface BulkAnswer {
  errors: Array<{code: string; job: string; message: string}>
  successful: string[]
}

export function terminateJobs(ctx: BatchContext, input: Input): unknown {
  return stopEach(ctx, input, (job, reason) => ctx.control.terminate(job, reason))
}

export function cancelJobs(ctx: BatchContext, input: Input): unknown {
  return stopEach(ctx, input, (job, reason) => ctx.control.cancel(job, reason))
}

function stopEach(ctx: BatchContext, input: Input, stop: (job: JobRecord, reason: string) => void): unknown {
  const jobs = input.jobs as string[]
  const reason = input.reason as string
  if (jobs.length === 0 || jobs.length > MAX_BULK_JOBS) {
    return clientError(`jobs must hold between 1 and ${MAX_BULK_JOBS} job IDs; got ${jobs.length}`)
  }

  if (reason.length > MAX_REASON_LENGTH) {
    return clientError(`reason must be at most ${MAX_REASON_LENGTH} characters; got ${reason.length}`)
  }

  const answer: BulkAnswer = {errors: [], successful: []}
  for (const id of jobs) {
    const job = findJob(ctx, id)
    if (job) stop(job, reason)
    answer.successful.push(id)
  }

  ctx.store.flush()
  return answer
}
