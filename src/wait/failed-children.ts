/**
 * The children of an array job that failed, named one a line (index as the id to give `logs` and `status`, exit
 * code, reason), so the user knows which shard to look at without a ListJobs of their own.
 */
import type {FailedChild} from '../batch/watch/array-children'

import {MAX_FOLLOWED_CHILDREN} from '../batch/logs/array-logs'

/** More than this many failed children: the first ones, then how to see the rest. */
const SHOWN = 10

export function failedChildLines(jobId: string, children: readonly FailedChild[], bin = 'mfbatch'): string[] {
  const lines = children.slice(0, SHOWN).map((child) => {
    const exit = child.exitCode === undefined ? ' (no exit code)' : ` (exit ${child.exitCode})`
    return `array child ${jobId}:${child.index} FAILED${exit}${child.reason ? `: ${child.reason}` : ''}`
  })
  const rest = children.length - SHOWN
  if (rest > 0) lines.push(`and ${rest} more failed children: ${bin} status ${jobId}`)
  return lines
}

/** After an array job's logs (`logs JOB`, `submit --follow`): the children not read, then the ones that failed. */
export function arrayLogsEndLines(
  jobId: string,
  outcome: {failed?: ReadonlyMap<string, readonly FailedChild[]>; unfollowed?: number},
  bin = 'mfbatch',
): string[] {
  const unread =
    outcome.unfollowed === undefined
      ? []
      : [`read the first ${MAX_FOLLOWED_CHILDREN} children's logs; ${bin} logs ${jobId}:N reads the others'`]
  return [...unread, ...failedChildLines(jobId, outcome.failed?.get(jobId) ?? [], bin)]
}
