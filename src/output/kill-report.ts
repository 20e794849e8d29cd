/**
 * What `kill` tells the user on stderr: one line per job that was not simply terminated (already finished, with its
 * final status; not found; failed, with why), at most a screenful, then the summary line scripts and people read.
 */
import type {TerminateReport} from '../batch/jobs/terminate'

import {inert} from './inert'

const MAX_DETAIL_LINES = 20

export function killReportLines(report: TerminateReport): string[] {
  const details = [
    ...report.alreadyFinished.map(({jobId, status}) => `job ${jobId} already finished: ${status}`),
    ...report.notFound.map((jobId) => `job ${jobId} not found (AWS Batch keeps finished jobs for about 7 days)`),
    ...report.failed.map(({message}) => message),
  ]
  const shown = details.length > MAX_DETAIL_LINES ? details.slice(0, MAX_DETAIL_LINES - 1) : details
  if (shown.length < details.length) shown.push(`… and ${details.length - shown.length} more (use --json for all)`)
  const summary = [
    `terminated ${report.terminated.length}`,
    `already finished ${report.alreadyFinished.length}`,
    `not found ${report.notFound.length}`,
    ...(report.failed.length > 0 ? [`failed ${report.failed.length}`] : []),
  ]
  // Stderr is for people: a status or an AWS message is shown inert.
  return [...shown.map((line) => inert(line)), summary.join(', ')]
}
