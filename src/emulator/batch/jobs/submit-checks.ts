/** What SubmitJob checks the way AWS does, for single-node, array and multi-node jobs alike. */
import {ApiError} from '../../contract'
import {BatchContext} from '../context'
import {JobDependency, JobTimeout, RetryStrategy} from '../types'

const MAX_DEPENDENCIES = 20

export const clientError = (message: string): ApiError => new ApiError('ClientException', message)

export function checkRetryAndTimeout(retry: RetryStrategy | undefined, timeout: JobTimeout | undefined): void {
  const attempts = retry?.attempts
  if (attempts !== undefined && (attempts < 1 || attempts > 10)) {
    throw clientError('retryStrategy attempts must be between 1 and 10.')
  }

  if ((retry?.evaluateOnExit?.length ?? 0) > 5)
    throw clientError('retryStrategy evaluateOnExit takes up to 5 conditions.')
  // AWS's minimum is 60 seconds. The emulator takes any positive duration, so tests of timeouts need not wait a minute.
  const seconds = timeout?.attemptDurationSeconds
  if (seconds !== undefined && seconds < 1) throw clientError('timeout attemptDurationSeconds must be at least 1.')
}

/** Checks dependencies exist and fit their type (N_TO_N between arrays of one size; SEQUENTIAL inside an array). */
export function checkDependencies(ctx: BatchContext, deps: JobDependency[], arraySize?: number): void {
  if (deps.length > MAX_DEPENDENCIES) throw clientError(`A job can depend on at most ${MAX_DEPENDENCIES} jobs.`)
  for (const dep of deps) {
    if (dep.jobId === undefined) {
      if (dep.type !== 'SEQUENTIAL' || arraySize === undefined) {
        throw clientError('A dependency without jobId must be of type SEQUENTIAL, in an array job.')
      }

      continue
    }

    const other = ctx.store.jobs.get(dep.jobId)
    if (!other) throw clientError(`Dependent job ${dep.jobId} does not exist.`)
    if (dep.type === 'N_TO_N' && (arraySize === undefined || other.arraySize !== arraySize)) {
      throw clientError('An N_TO_N dependency needs two array jobs of the same size.')
    }
  }
}
