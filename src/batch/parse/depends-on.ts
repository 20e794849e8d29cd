/**
 * `--depends-on JOB[:N_TO_N|SEQUENTIAL]`. Array children have ids like `uuid:3`, so only a known type after the
 * last `:` is a type; anything else is part of the job id.
 */
export type DependencyType = 'N_TO_N' | 'SEQUENTIAL'

export interface Dependency {
  jobId: string
  type?: DependencyType
}

const JOB_ID = /^[\dA-Za-z][\w:-]*$/

export function parseDependency(raw: string): Dependency | undefined {
  const at = raw.lastIndexOf(':')
  const suffix = at === -1 ? '' : raw.slice(at + 1).toUpperCase()
  const typed = suffix === 'N_TO_N' || suffix === 'SEQUENTIAL'
  const jobId = typed ? raw.slice(0, at) : raw
  if (!JOB_ID.test(jobId)) return undefined
  return typed ? {jobId, type: suffix} : {jobId}
}
