/**
 * Whether a PENDING job may go on: every job it depends on must have SUCCEEDED; one that FAILED fails it
 * ("Dependent Job failed"). A dependency on an array parent waits for the whole array. A dependency that no longer
 * exists holds nothing up.
 */
import {JobDependency, JobStatus} from '../types'

export type DependencyState = 'failed' | 'satisfied' | 'waiting'

export function dependencyState(
  deps: readonly JobDependency[],
  statusOf: (jobId: string) => JobStatus | undefined,
): DependencyState {
  let waiting = false
  for (const dep of deps) {
    const status = dep.jobId === undefined ? undefined : statusOf(dep.jobId)
    if (status === 'FAILED') return 'failed'
    if (status !== undefined && status !== 'SUCCEEDED') waiting = true
  }

  return waiting ? 'waiting' : 'satisfied'
}
