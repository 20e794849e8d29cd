/**
 * An array job's log (`logs JOB`, `submit --array-size N --follow`): every child's log, interleaved by timestamp,
 * each line tagged with the child's index (printed `[i] `, as `logs --all-nodes` does for nodes). Each child has its
 * own stream and its own cursor (an AttemptFollower, retries included), so no line is lost or printed twice. A child
 * whose stream is known complete is not read again. Without --follow it is one round: what every child's stream
 * (latest attempt, or --attempt N) holds now, with --tail N the last N lines of all children together.
 *
 * Following ends once the parent has finished (its failed children looked up: the exit code is the lowest-index
 * failed child's, DESIGN.md section 5) and every child's log is complete: said so by the endpoint (the emulator),
 * or quiet for the grace period counted from the parent's stoppedAt and the newest line's ingestion (grace.ts).
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {JobWatcher} from '../watch/job-watcher'
import type {LogsContext, LogsOutcome, LogsRequest} from './job-logs'

import {RuntimeError} from '../../errors'
import {ExitCode} from '../../exit-codes'
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

/** An array job's log: one round without --follow, else followed to the end. */
export async function readArrayLogs(
  request: LogsRequest,
  context: ArrayLogsContext,
  sink: LogSink,
): Promise<ArrayLogsOutcome> {
  const children = await arrayChildren(request, context)
  if (request.follow) return followChildren(request, context, children, sink)
  await children.read(sink, request.tail)
  return {end: 'read', exitCode: ExitCode.Ok, job: context.watcher.job(request.jobId), ...children.unfollowed}
}

/** The children read: their watcher and one follower each, and which ones are known complete. */
interface Children {
  /** Every child finished and its stream known complete (the endpoint said so). */
  complete(): boolean
  /** Every child's stream, latest attempt first or as the request says. */
  followers: AttemptFollower[]
  /** How many new lines; `tail`: the last N of what every child's stream holds now. */
  read(sink: LogSink, tail?: number): Promise<number>
  unfollowed: {unfollowed?: number}
  /** --tail is for what was there at the start: a child that had not started yet is followed from its first line. */
  untail(): void
  watcher: JobWatcher
}

async function arrayChildren(request: LogsRequest, context: ArrayLogsContext): Promise<Children> {
  const size = arraySize(context.watcher, request.jobId)
  const followed = Math.min(size, MAX_FOLLOWED_CHILDREN)
  const watcher = context.watchChildren(childIds(request.jobId, followed))
  const {attempt, from, tail} = request
  const follower = (first?: number) =>
    new AttemptFollower({attempt, from, tail: first}, (job, stream) => newReader(job, stream, request, context))
  /** Children finished whose log is known complete: never read again. */
  const complete = watcher.ids.map(() => false)
  // The parent was described just now (its kind is what sent us here); the children not yet.
  await watcher.pollIfDue()
  const children: Children = {
    complete: () => complete.every(Boolean),
    followers: watcher.ids.map(() => follower(tail)),
    read: (sink, first) => readRound({children: watcher, complete, followers: children.followers, tail: first}, sink),
    unfollowed: size > followed ? {unfollowed: size - followed} : {},
    untail() {
      children.followers = children.followers.map((f) => (f.current ? f : follower()))
    },
    watcher,
  }
  return children
}

async function followChildren(
  request: LogsRequest,
  context: ArrayLogsContext,
  children: Children,
  sink: LogSink,
): Promise<ArrayLogsOutcome> {
  const {clock = systemClock, deadline, graceMs = 0, signal, watcher} = context
  let quiet: number | undefined
  let idle = FAST_POLL_MS
  let describedAt = Number.NEGATIVE_INFINITY
  for (let first = true; ; first = false) {
    if (signal?.aborted) return watcher.outcome('aborted')
    // eslint-disable-next-line no-await-in-loop -- one loop: describe when due, read, sleep
    if (quiet === undefined) describedAt = await describeBoth([watcher, children.watcher], clock, describedAt)
    const parent = watcher.job(request.jobId)!
    // Seen finished before this round's read: from now on every read is a drain.
    const ended = watcher.finished && children.watcher.ids.every((id) => isFinished(children.watcher.job(id)?.status))
    // eslint-disable-next-line no-await-in-loop
    const moved = await children.read(sink, first ? request.tail : undefined)
    if (first) children.untail()
    const now = clock.now()
    if (ended && !signal?.aborted) {
      const outcome = {...watcher.outcome('finished'), job: parent, ...children.unfollowed}
      if (children.complete()) return outcome
      const lastIngestion = Math.max(0, ...children.followers.map((f) => f.current?.lastIngestionTime ?? 0))
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
 * handed to the sink in one call; `tail` (the first round of `--tail N`): each child's last N lines are read, and
 * the last N of them all are kept. A finished child whose stream the endpoint says is complete is marked and skipped
 * from then on.
 */
interface Round {
  children: JobWatcher
  /** Per child: finished, and its stream known complete; set here. */
  complete: boolean[]
  followers: readonly AttemptFollower[]
  tail: number | undefined
}

async function readRound({children, complete, followers, tail}: Round, sink: LogSink): Promise<number> {
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
  let merged = got.flat().sort((a, b) => a.timestamp - b.timestamp)
  if (tail !== undefined) merged = tail === 0 ? [] : merged.slice(-tail)
  if (merged.length > 0) await sink(merged)
  return merged.length
}
