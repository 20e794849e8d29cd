/**
 * Following an array job (`submit --array-size N --follow`): every child's log, interleaved by timestamp, each
 * line tagged with the child's index (printed `[i] `, as `logs --all-nodes` does for nodes). Each child has its own
 * stream and its own cursor (an AttemptFollower, retries included), so no line is lost or printed twice. A child
 * whose stream is known complete is not read again.
 *
 * Following ends once the parent has finished (its failed children looked up: the exit code is the lowest-index
 * failed child's, DESIGN.md section 5) and every child's log is complete: said so by the endpoint (the emulator),
 * or quiet for the grace period counted from the parent's stoppedAt and the newest line's ingestion (grace.ts).
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {JobWatcher} from '../watch/job-watcher'
import type {LogsContext, LogsOutcome, LogsRequest} from './job-logs'

import {RuntimeError} from '../../errors'
import {mapLimit} from '../jobs/pool'
import {type Clock, systemClock} from '../pacing'
import {childIds} from '../watch/array-children'
import {isFinished} from '../watch/job-watcher'
import {AttemptFollower} from './follow'
import {quietSince} from './grace'
import {describeWhenDue, FAST_POLL_MS, IDLE_POLL_MS, newReader} from './job-logs'
import {type LogEvent, type LogSink} from './reader'

/** Children followed at most: one DescribeJobs call of 100 ids a round. Larger arrays: the first 100. */
export const MAX_FOLLOWED_CHILDREN = 100
/** GetLogEvents calls in flight at once (the API is rate limited per account). */
const READ_CONCURRENCY = 4

export interface ArrayLogsContext extends LogsContext {
  /** A silent watcher of the child ids (the parent's watcher reports status changes and the diagnosis). */
  watchChildren: (ids: readonly string[]) => JobWatcher
}

/** What following an array job says besides the lines: how many children it could not follow. */
export interface ArrayLogsOutcome extends LogsOutcome {
  unfollowed?: number
}

export async function followArrayLogs(
  request: LogsRequest,
  context: ArrayLogsContext,
  sink: LogSink,
): Promise<ArrayLogsOutcome> {
  const {clock = systemClock, deadline, graceMs = 0, signal, watcher} = context
  const size = arraySize(watcher, request.jobId)
  const followed = Math.min(size, MAX_FOLLOWED_CHILDREN)
  const unfollowed = size > followed ? {unfollowed: size - followed} : {}
  const children = context.watchChildren(childIds(request.jobId, followed))
  const followers = children.ids.map(
    () => new AttemptFollower({from: 1}, (job, stream) => newReader(job, stream, request, context)),
  )
  /** Children finished whose log is known complete: never read again. */
  const complete = children.ids.map(() => false)
  let quiet: number | undefined
  let idle = FAST_POLL_MS
  let describedAt = Number.NEGATIVE_INFINITY
  for (;;) {
    if (signal?.aborted) return watcher.outcome('aborted')
    // eslint-disable-next-line no-await-in-loop -- one loop: describe when due, read, sleep
    if (quiet === undefined) describedAt = await describeBoth([watcher, children], clock, describedAt)
    const parent = watcher.job(request.jobId)!
    // Seen finished before this round's read: from now on every read is a drain.
    const ended = watcher.finished && children.ids.every((id) => isFinished(children.job(id)?.status))
    // eslint-disable-next-line no-await-in-loop
    const moved = await readRound(children, followers, complete, sink)
    const now = clock.now()
    if (ended && !signal?.aborted) {
      const outcome = {...watcher.outcome('finished'), job: parent, ...unfollowed}
      if (complete.every(Boolean)) return outcome
      const lastIngestion = Math.max(0, ...followers.map((f) => f.current?.lastIngestionTime ?? 0))
      quiet = quietSince(quiet, {lastIngestion, moved: moved > 0, now, stoppedAt: parent.stoppedAt})
      if (now - quiet >= graceMs) return outcome
    }

    if (deadline !== undefined && now >= deadline) return watcher.outcome('timeout')
    idle = moved > 0 ? FAST_POLL_MS : Math.min(IDLE_POLL_MS, idle * 2)
    const wake = Math.min(
      // Before the end, DescribeJobs is what tells anything new: no longer than it takes to be due again.
      quiet === undefined ? Math.max(watcher.dueIn, 50) : quiet + graceMs - now,
      idle,
      deadline === undefined ? Infinity : deadline - now,
    )
    // eslint-disable-next-line no-await-in-loop
    await clock.sleep(wake, signal)
  }
}

function arraySize(watcher: JobWatcher, jobId: string): number {
  const size = watcher.job(jobId)?.arrayProperties?.size
  if (size === undefined) throw new RuntimeError(`job ${jobId} is not an array job`)
  return size
}

/** The parent when due (its watcher reports status changes), and the children with it. */
async function describeBoth(
  [watcher, children]: readonly [parent: JobWatcher, children: JobWatcher],
  clock: Clock,
  describedAt: number,
): Promise<number> {
  // Every second, as --wait does: with many children, some line or end is nearly always new.
  const now = await describeWhenDue(watcher, clock, FAST_POLL_MS, describedAt)
  if (now !== describedAt) await children.pollIfDue()
  return now
}

/**
 * What is new in every child's stream, sorted by timestamp (ties in index order, a stream's own order kept) and
 * handed to the sink in one call. A finished child whose stream the endpoint says is complete is marked and skipped
 * from then on.
 */
async function readRound(
  children: JobWatcher,
  followers: readonly AttemptFollower[],
  complete: boolean[],
  sink: LogSink,
): Promise<number> {
  const got = await mapLimit([...children.ids.keys()], READ_CONCURRENCY, async (index) => {
    const job: JobDetail | undefined = children.job(children.ids[index])
    const events: LogEvent[] = []
    if (!job || complete[index]) return events
    const finished = isFinished(job.status)
    const result = await followers[index].round(job, (page) => {
      for (const event of page) events.push({...event, node: index})
    })
    // A child that ended without ever starting has no stream: nothing will come either.
    if (finished && (result.ended || followers[index].current === undefined)) complete[index] = true
    return events
  })
  const merged = got.flat().sort((a, b) => a.timestamp - b.timestamp)
  if (merged.length > 0) await sink(merged)
  return merged.length
}
