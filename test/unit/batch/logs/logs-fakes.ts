/**
 * Test doubles for the log tailer and the watch loop: a clock whose sleep only moves time forward, and a CloudWatch
 * Logs that implements the LogsApi interface (not the SDK) with GetLogEvents' token rules: forward and backward
 * tokens are positions, and a caught-up reader gets back the token it sent.
 */
import type {JobDetail} from '@aws-sdk/client-batch'
import type {GetLogEventsCommandInput, GetLogEventsCommandOutput} from '@aws-sdk/client-cloudwatch-logs'

import type {LogsApi} from '../../../../src/batch/clients'
import type {Clock} from '../../../../src/batch/pacing'

export const T0 = Date.UTC(2026, 0, 2, 3, 4, 5)

export class FakeClock implements Clock {
  /** Runs after each sleep, with the new time: the place to make the world move on. */
  onSleep?: (now: number) => void
  readonly sleeps: number[] = []
  t = T0

  now(): number {
    return this.t
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.t += Math.max(0, ms)
    this.onSleep?.(this.t)
  }
}

export function awsError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), {$metadata: {httpStatusCode: status}, name})
}

interface StoredEvent {
  message: string
  timestamp: number
}

export class FakeLogs implements LogsApi {
  readonly calls: GetLogEventsCommandInput[] = []
  /** Streams whose writer is done: their answers say so, as the emulator's do (never CloudWatch's). */
  readonly ended = new Set<string>()
  /** Errors to throw, one per call, before answering normally. */
  readonly failures: Error[] = []
  private readonly streams = new Map<string, StoredEvent[]>()

  append(group: string, stream: string, messages: string[], timestamp = T0): void {
    const key = `${group}|${stream}`
    const events = this.streams.get(key) ?? []
    for (const message of messages) events.push({message, timestamp})
    this.streams.set(key, events)
  }

  describeLogStreams(): never {
    throw new Error('not used')
  }

  filterLogEvents(): never {
    throw new Error('not used')
  }

  async getLogEvents(input: GetLogEventsCommandInput): Promise<GetLogEventsCommandOutput> {
    this.calls.push(input)
    const failure = this.failures.shift()
    if (failure) throw failure
    const events = this.streams.get(`${input.logGroupName}|${input.logStreamName}`)
    if (!events) throw awsError('ResourceNotFoundException', 400, 'The specified log stream does not exist.')
    const limit = input.limit ?? 10_000
    const low = input.startTime === undefined ? 0 : events.findIndex((e) => e.timestamp >= input.startTime!)
    const floor = low === -1 ? events.length : low
    const token = input.nextToken
    let from: number
    let to: number
    if (token?.startsWith('f/') || (!token && input.startFromHead)) {
      from = token ? Number(token.slice(2)) : floor
      to = Math.min(events.length, from + limit)
    } else {
      to = token ? Number(token.slice(2)) : events.length
      from = Math.max(floor, to - limit)
    }

    return {
      $metadata: {},
      ...(this.ended.has(`${input.logGroupName}|${input.logStreamName}`) ? {$streamEnded: true} : {}),
      events: events.slice(from, to).map((e, i) => ({...e, eventId: String(from + i), ingestionTime: e.timestamp})),
      nextBackwardToken: `b/${from}`,
      nextForwardToken: `f/${to}`,
    }
  }
}

/** A job as DescribeJobs returns it, with only the fields the tailer and the watcher read. */
export function job(fields: Partial<JobDetail> & {id?: string}): JobDetail {
  const {id = 'job-1', ...rest} = fields
  return {
    jobDefinition: 'arn:def',
    jobId: id,
    jobName: 'hello',
    jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/local',
    startedAt: undefined,
    status: 'SUBMITTED',
    ...rest,
  }
}

/** A job running attempt `streams.length`, the earlier ones finished and listed in `attempts`. */
export function withAttempts(
  status: JobDetail['status'],
  streams: string[],
  fields: Partial<JobDetail> = {},
): JobDetail {
  const running = status === 'RUNNING' || status === 'STARTING'
  const done = running ? streams.slice(0, -1) : streams
  return job({
    attempts: done.map((logStreamName) => ({container: {logStreamName}})),
    container: {logStreamName: streams.at(-1)},
    status,
    ...fields,
  })
}
