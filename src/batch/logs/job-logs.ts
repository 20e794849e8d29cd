/**
 * A job's logs, once or followed (DESIGN.md section 4). Job state comes from the shared JobWatcher, so following
 * the logs and watching the status cost one DescribeJobs a second between them. Following stops by itself: after
 * the job has been seen finished, the stream is read until it has been quiet for the grace period (grace.ts: late
 * lines still come), then it returns the job's exit code.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {LogsApi} from '../clients'
import type {JobWatcher, WatchEnd, WatchOutcome} from '../watch/job-watcher'

import {RuntimeError} from '../../errors'
import {ExitCode} from '../../exit-codes'
import {type Clock, systemClock} from '../pacing'
import {isFinished} from '../watch/job-watcher'
import {AttemptFollower} from './follow'
import {quietSince as quietFrom} from './grace'
import {type LogSink, type ReaderOptions, StreamReader} from './reader'
import {attemptStreams, chooseStream, logGroupOf} from './source'

/**
 * While lines flow, look again soon; when idle, back off to a read every 2 s and a DescribeJobs every 4 s, so a
 * silent job costs 0.75 calls a second in all (GetLogEvents and DescribeJobs are rate limited per account).
 */
export const FAST_POLL_MS = 250
export const IDLE_POLL_MS = 2000
export const IDLE_DESCRIBE_MS = 4000

export interface LogsRequest {
  /** 1-based; the latest when undefined. While following the latest, a retry moves on to the next attempt. */
  attempt?: number
  follow?: boolean
  /** Following the latest attempt: start at this one instead (1 for a job just submitted). */
  from?: number
  jobId: string
  /** `--since`, epoch ms. */
  since?: number
  /** `--tail N`: start with the last N events. */
  tail?: number
}

export interface LogsContext {
  clock?: Clock
  /** `--wait-timeout`, epoch ms: following stops there with exit 124. */
  deadline?: number
  /** Following: how long a finished job's stream must stay quiet before following ends (grace.ts); 0 by default. */
  graceMs?: number
  logs: LogsApi
  onRetry?: ReaderOptions['onRetry']
  random?: () => number
  signal?: AbortSignal
  watcher: JobWatcher
}

export interface LogsOutcome {
  end: 'read' | WatchEnd
  /** One-shot reads: 0. Following: the job's code, 124 or 130 (DESIGN.md section 5). */
  exitCode: number
  /** Following an array job that FAILED: its failed children (WatchOutcome). */
  failed?: WatchOutcome['failed']
  job?: JobDetail
  /** Why there was nothing to read (no stream yet, or none ever), for stderr. */
  note?: string
}

/** Reads (or follows) the logs of `request.jobId` into `sink`. */
export async function readJobLogs(request: LogsRequest, context: LogsContext, sink: LogSink): Promise<LogsOutcome> {
  return request.follow ? followLogs(request, context, sink) : readOnce(request, context, sink)
}

async function readOnce(request: LogsRequest, context: LogsContext, sink: LogSink): Promise<LogsOutcome> {
  // Not again when the caller has just described the job to learn its kind (by-kind.ts): one DescribeJobs.
  await context.watcher.pollIfDue()
  const job = describedJob(context.watcher, request)
  const {attempt, stream} = chooseStream(job, request.attempt)
  if (!stream) return {end: 'read', exitCode: ExitCode.Ok, job, note: notStarted(job, attempt)}
  const reader = newReader(job, stream, request, context)
  const result = request.tail === undefined ? await reader.drain(sink) : await reader.tail(request.tail, sink)
  const note = result.exists ? undefined : noStream(job, reader)
  return {end: 'read', exitCode: ExitCode.Ok, job, note}
}

async function followLogs(request: LogsRequest, context: LogsContext, sink: LogSink): Promise<LogsOutcome> {
  const {clock = systemClock, deadline, graceMs = 0, signal, watcher} = context
  const follower = new AttemptFollower(request, (job, stream) => newReader(job, stream, request, context))
  let idle = FAST_POLL_MS
  let describedAt = Number.NEGATIVE_INFINITY
  /** Since when a finished job's stream has brought nothing new; undefined while the job runs. */
  let quietSince: number | undefined
  /**
   * Only DescribeJobs can tell what comes next: the attempt has not started (no stream to read), or its stream said
   * it is complete (the attempt has ended). Then the job is described as often as the watcher allows, once a second,
   * instead of every IDLE_DESCRIBE_MS: a quick job's end is seen as soon as `--wait` sees it.
   */
  let describeOnly = true
  for (;;) {
    if (signal?.aborted) return watcher.outcome('aborted')
    // A finished job changes no more: only its stream is read during the grace period.
    const pace = describeOnly ? FAST_POLL_MS : idle
    // eslint-disable-next-line no-await-in-loop -- one loop: describe when due, read, sleep
    if (quietSince === undefined) describedAt = await describeWhenDue(watcher, clock, pace, describedAt)
    const job = watcher.job(request.jobId) && describedJob(watcher, request)
    let moved = 0
    if (job) {
      // Seen finished before this round's read: from now on every read is a drain.
      const finished = followedEnded(job, request)
      // eslint-disable-next-line no-await-in-loop
      const result = await follower.round(job, sink)
      moved = result.events
      describeOnly = follower.current === undefined || result.ended === true
      if (finished && !signal?.aborted) {
        const now = clock.now()
        // The endpoint says the stream is complete and all of it is read: no late line can come.
        const quiet = result.ended ? -Infinity : quietFrom(quietSince, quietFacts(job, follower, moved, now))
        if (now - quiet >= graceMs) return finishedOutcome(job, result.exists, follower, {request, watcher})
        quietSince = quiet
      }
    }

    const now = clock.now()
    if (deadline !== undefined && now >= deadline) return watcher.outcome('timeout')
    idle = moved > 0 ? FAST_POLL_MS : Math.min(IDLE_POLL_MS, idle * 2)
    // eslint-disable-next-line no-await-in-loop
    await clock.sleep(wakeAfter({deadline, describeOnly, graceMs, idle, now, quietSince, watcher}), signal)
  }
}

/** What grace.ts's quietSince needs of this round: the job's stop, the newest ingestion read, whether lines came. */
function quietFacts(job: JobDetail, follower: AttemptFollower, moved: number, now: number) {
  return {lastIngestion: follower.current?.lastIngestionTime ?? 0, moved: moved > 0, now, stoppedAt: job.stoppedAt}
}

/**
 * How long to sleep before the next round: `idle`, but during the grace period no later than it ends, never past
 * --wait-timeout, and when only DescribeJobs can tell anything new, no later than it is due.
 */
function wakeAfter(at: {
  deadline?: number
  describeOnly: boolean
  graceMs: number
  idle: number
  now: number
  quietSince?: number
  watcher: JobWatcher
}): number {
  const {deadline, describeOnly, graceMs, idle, now, quietSince, watcher} = at
  const ends = [
    quietSince === undefined ? Infinity : quietSince + graceMs - now,
    deadline === undefined ? Infinity : deadline - now,
    describeOnly && quietSince === undefined ? Math.max(watcher.dueIn, 50) : Infinity,
  ]
  return Math.min(idle, ...ends)
}

/** How following a finished job (or its `--attempt N`) ends: its exit code, and a note if there was nothing to read. */
function finishedOutcome(
  job: JobDetail,
  exists: boolean,
  follower: AttemptFollower,
  {request, watcher}: {request: LogsRequest; watcher: JobWatcher},
): LogsOutcome {
  const reader = follower.current
  const note = reader ? (exists ? undefined : noStream(job, reader)) : notStarted(job, follower.attempt)
  const outcome = watcher.outcome('finished')
  // `--attempt N` of a job that runs on: the result is that attempt's, not the job's (not known yet).
  const exitCode = isFinished(job.status) ? outcome.exitCode : attemptExitCode(job, request.attempt!)
  return {...outcome, exitCode, job, note}
}

/**
 * DescribeJobs when the watcher is due (at most once a second) and, once the stream has gone quiet, at most every
 * IDLE_DESCRIBE_MS: a silent job's end is then noticed within 4 s. Returns when the job was last described.
 */
export async function describeWhenDue(
  watcher: JobWatcher,
  clock: Clock,
  idle: number,
  describedAt: number,
): Promise<number> {
  const every = idle >= IDLE_POLL_MS ? IDLE_DESCRIBE_MS : 0
  if (watcher.dueIn > 0 || clock.now() - describedAt < every) return describedAt
  const now = clock.now()
  await watcher.poll()
  return now
}

/** The job has finished, or with `--attempt N`, that attempt has ended. */
function followedEnded(job: JobDetail, request: LogsRequest): boolean {
  return isFinished(job.status) || attemptDone(job, request.attempt)
}

/** With `--attempt N`, following ends when attempt N has ended (it is then in `attempts[]`), not the job. */
function attemptDone(job: JobDetail, attempt: number | undefined): boolean {
  return attempt !== undefined && (job.attempts?.length ?? 0) >= attempt
}

/** An ended attempt's container code as section 5 maps it: 0, 1..255, else 126 (it ended without one). */
function attemptExitCode(job: JobDetail, attempt: number): number {
  const code = job.attempts?.[attempt - 1]?.container?.exitCode
  if (code === 0) return ExitCode.Ok
  return code !== undefined && code >= 1 && code <= 255 ? code : ExitCode.JobFailedNoCode
}

/** The job as the watcher saw it, checked against the request: an array parent or a missing attempt is an error. */
function describedJob(watcher: JobWatcher, request: LogsRequest): JobDetail {
  const job = watcher.job(request.jobId)
  if (!job) throw new RuntimeError(`job ${request.jobId} not found`)
  const size = job.arrayProperties?.size
  if (size !== undefined && job.arrayProperties?.index === undefined) {
    throw new RuntimeError(
      `job ${request.jobId} is an array job of ${size} children and has no logs of its own; ` +
        `read a child's with ${request.jobId}:0 to ${request.jobId}:${size - 1}`,
    )
  }

  const known = attemptStreams(job).length
  if (request.attempt !== undefined && request.attempt > known && isFinished(job.status)) {
    throw new RuntimeError(
      `job ${request.jobId} ran ${known} attempt${known === 1 ? '' : 's'}; --attempt ${request.attempt} does not exist`,
    )
  }

  return job
}

export function newReader(job: JobDetail, stream: string, request: LogsRequest, context: LogsContext): StreamReader {
  const {clock, onRetry, random, signal} = context
  return new StreamReader(context.logs, logGroupOf(job), stream, {
    clock,
    onRetry,
    random,
    signal,
    startTime: request.since,
  })
}

export function notStarted(job: JobDetail, attempt: number): string {
  const reason = job.statusReason ? ` (${job.statusReason})` : ''
  if (isFinished(job.status)) return `job ${job.jobId} is ${job.status}${reason} and never started, so it has no logs`
  return `job ${job.jobId} is ${job.status}${reason}: attempt ${attempt} has not started, so there are no logs yet`
}

function noStream(job: JobDetail, reader: StreamReader): string {
  const when = isFinished(job.status) ? '' : ' yet'
  return `log stream ${reader.stream} does not exist${when} in log group ${reader.group}`
}
