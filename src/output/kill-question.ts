/**
 * What `kill --queue` shows before it asks: the jobs it would terminate (id, status, name; the first LISTED of
 * them, then how many more), so a person answers about jobs they have seen, not a count.
 */
import type {JobSummary} from '@aws-sdk/client-batch'

import {inert} from './inert'

/** More than a screen's worth would push the question out of sight. */
export const LISTED = 20

export function killQuestionLines(jobs: readonly JobSummary[], queue: string): string[] {
  const shown = jobs.slice(0, LISTED)
  const width = Math.max(...shown.map((job) => (job.status ?? '').length))
  // Names come from AWS: shown inert on stderr.
  const rows = shown.map((job) =>
    inert(`  ${job.jobId}  ${(job.status ?? '').padEnd(width)}  ${job.jobName ?? ''}`.trimEnd()),
  )
  const more = jobs.length > shown.length ? [`  and ${jobs.length - shown.length} more`] : []
  const count = `${jobs.length} job${jobs.length === 1 ? '' : 's'}`
  return [`${count} of queue ${queue} would be terminated:`, ...rows, ...more]
}

export function killQuestion(jobs: readonly JobSummary[], queue: string): string {
  return `Terminate ${jobs.length === 1 ? 'this job' : `these ${jobs.length} jobs`} of queue ${queue}?`
}
