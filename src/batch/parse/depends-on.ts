/**
 * `--depends-on JOB[:N_TO_N|SEQUENTIAL]`. Array children have ids like `uuid:3`, so only a known type after the
 * last `:` is a type; anything else is part of the job id, which must be one AWS could know (a UUID, `UUID:N` or a
 * job ARN, reduced to its id): a typo is caught before any API call, not by SubmitJob.
 */
import {jobIdIn} from '../jobs/ids'

export type DependencyType = 'N_TO_N' | 'SEQUENTIAL'

export interface Dependency {
  jobId: string
  type?: DependencyType
}

export function parseDependency(raw: string): Dependency | undefined {
  const at = raw.lastIndexOf(':')
  const suffix = at === -1 ? '' : raw.slice(at + 1).toUpperCase()
  const typed = suffix === 'N_TO_N' || suffix === 'SEQUENTIAL'
  const jobId = jobIdIn(typed ? raw.slice(0, at) : raw)
  if (jobId === undefined) return undefined
  return typed ? {jobId, type: suffix} : {jobId}
}
