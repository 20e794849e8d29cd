/**
 * `logs JOB --all-nodes`: every node's log of a multi-node job, interleaved by timestamp, each event tagged with its
 * node index. Each node has its own stream (the awslogs driver names one per node container) and its own cursor,
 * an AttemptFollower as for one job, so no line is lost or printed twice. Every round reads what is new in every
 * node's stream, then hands it on sorted by timestamp (ties in node order, a stream's own order kept). A line that
 * reaches CloudWatch after a later-stamped line of another node was printed comes out in the next round: late, never
 * dropped. One round's new lines of every node are held to sort them; a read without --follow is one round.
 *
 * Following ends as for one job: once the parent (whose result is the main node's) and every node have been seen
 * finished, one more round drains every stream.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {JobWatcher} from '../watch/job-watcher'

import {InputError, RuntimeError} from '../../errors'
import {ExitCode} from '../../exit-codes'
import {mapLimit} from '../jobs/pool'
import {AttemptFollower} from '../logs/follow'
import {
  describeWhenDue,
  FAST_POLL_MS,
  IDLE_POLL_MS,
  type LogsContext,
  type LogsOutcome,
  type LogsRequest,
  newReader,
  notStarted,
} from '../logs/job-logs'
import {type LogEvent, type LogSink} from '../logs/reader'
import {type Clock, systemClock} from '../pacing'
import {isFinished} from '../watch/job-watcher'
import {isMemberId, nodeIds} from './ids'
import {nodeCountOf} from './of-job'

export interface AllNodesContext extends LogsContext {
  /** A silent watcher of the node ids (the parent's watcher reports status changes and the diagnosis). */
  watchNodes: (ids: readonly string[]) => JobWatcher
}

/** GetLogEvents calls in flight at once: a 64-node job is read 4 streams at a time (the API is rate limited). */
export const READ_CONCURRENCY = 4

/**
 * Hooks of the node watcher: a node id AWS does not know (yet) is no error. Whether AWS describes `JOB#N` before
 * the job starts is not documented, so a missing node is read as a node without a stream: nothing to read yet.
 */
export const NODE_WATCH_HOOKS = {graceMs: Number.POSITIVE_INFINITY}

/** Before any call: a node (`JOB#N`) or an array child (`JOB:N`) has one log; `--all-nodes` takes the parent. */
export function checkAllNodesTarget(jobId: string): void {
  if (isMemberId(jobId)) {
    const parent = jobId.replace(/[#:]\d+$/, '')
    throw new InputError(`--all-nodes: ${jobId} is one job of its own; give the parent, ${parent}, to read every node`)
  }
}

export async function readAllNodeLogs(
  request: LogsRequest,
  context: AllNodesContext,
  sink: LogSink,
): Promise<LogsOutcome> {
  const {clock = systemClock, deadline, signal, watcher} = context
  await watcher.pollIfDue()
  const count = parentOf(watcher, request.jobId).nodeProperties.numNodes
  const nodes = context.watchNodes(nodeIds(request.jobId, count))
  await nodes.poll()
  const follower = (tail?: number) =>
    new AttemptFollower({...request, tail}, (job, stream) => newReader(job, stream, request, context))
  let followers = nodes.ids.map(() => follower(request.tail))
  let first = true
  let idle = FAST_POLL_MS
  let describedAt = clock.now()
  for (;;) {
    if (request.follow && signal?.aborted) return watcher.outcome('aborted')
    // eslint-disable-next-line no-await-in-loop -- one loop: describe when due, read, sleep
    if (request.follow) describedAt = await describeBoth([watcher, nodes], clock, idle, describedAt)

    const parent = parentOf(watcher, request.jobId)
    const ended = !request.follow || (isFinished(parent.status) && everyKnownNodeFinished(nodes))
    // eslint-disable-next-line no-await-in-loop
    const round = await readRound(nodes, followers, sink, first ? request.tail : undefined)
    // --tail is for what was there at the start: a node that had not started yet is followed from its first line.
    if (first) followers = followers.map((f) => (f.current ? f : follower()))
    first = false
    if (ended && !signal?.aborted) {
      const note = round.started ? undefined : notStarted(parent, followers[0].attempt)
      if (!request.follow) return {end: 'read', exitCode: ExitCode.Ok, job: parent, note}
      return {...watcher.outcome('finished'), job: parent, note}
    }

    const now = clock.now()
    if (deadline !== undefined && now >= deadline) return watcher.outcome('timeout')
    idle = round.events > 0 ? FAST_POLL_MS : Math.min(IDLE_POLL_MS, idle * 2)
    // eslint-disable-next-line no-await-in-loop
    await clock.sleep(deadline === undefined ? idle : Math.min(idle, deadline - now), signal)
  }
}

/** The parent when due (as for one job), and the nodes with it: one view of the job per round. */
async function describeBoth(
  [watcher, nodes]: readonly [parent: JobWatcher, nodes: JobWatcher],
  clock: Clock,
  idle: number,
  describedAt: number,
): Promise<number> {
  const now = await describeWhenDue(watcher, clock, idle, describedAt)
  if (now !== describedAt) await nodes.pollIfDue()
  return now
}

/** The parent as the watcher saw it; a job that is not a multi-node parent is refused, naming the flag. */
function parentOf(watcher: JobWatcher, jobId: string): JobDetail & {nodeProperties: {numNodes: number}} {
  const job = watcher.job(jobId)
  if (!job) throw new RuntimeError(`job ${jobId} not found`)
  const count = nodeCountOf(job)
  if (count === undefined) {
    throw new InputError(`--all-nodes: job ${jobId} is not a multi-node parallel job; drop --all-nodes to read its log`)
  }

  return job as JobDetail & {nodeProperties: {numNodes: number}}
}

function everyKnownNodeFinished(nodes: JobWatcher): boolean {
  return nodes.ids.every((id) => {
    const job = nodes.job(id)
    return job === undefined || isFinished(job.status)
  })
}

/**
 * What is new in every node's stream, sorted by timestamp and handed to the sink in one call. `tail` (the first
 * round of `--tail N`): each node's last N lines are read, and the last N of them all are kept.
 */
async function readRound(
  nodes: JobWatcher,
  followers: readonly AttemptFollower[],
  sink: LogSink,
  tail: number | undefined,
): Promise<{events: number; started: boolean}> {
  const got = await mapLimit([...nodes.ids.keys()], READ_CONCURRENCY, async (index) => {
    const job = nodes.job(nodes.ids[index])
    const events: LogEvent[] = []
    if (job) {
      await followers[index].round(job, (page) => {
        for (const event of page) events.push({...event, node: index})
      })
    }

    return events
  })
  // Array.prototype.sort is stable: equal timestamps keep node order, and each stream keeps its own order.
  let merged = got.flat().sort((a, b) => a.timestamp - b.timestamp)
  if (tail !== undefined) merged = tail === 0 ? [] : merged.slice(-tail)
  if (merged.length > 0) await sink(merged)
  return {events: merged.length, started: followers.some((follower) => follower.current !== undefined)}
}
