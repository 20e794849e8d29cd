/**
 * TerminateJob and CancelJob. Both succeed on any job id, even a finished or unknown one (AWS answers 200 and does
 * nothing); the engine does the work because it owns the running processes.
 */
import {BatchContext, Input} from '../context'
import {findJob} from './read'

export function terminateJob(ctx: BatchContext, input: Input): unknown {
  const job = findJob(ctx, input.jobId as string)
  if (job) ctx.control.terminate(job, input.reason as string)
  ctx.store.flush()
  return {}
}

export function cancelJob(ctx: BatchContext, input: Input): unknown {
  const job = findJob(ctx, input.jobId as string)
  if (job) ctx.control.cancel(job, input.reason as string)
  ctx.store.flush()
  return {}
}
