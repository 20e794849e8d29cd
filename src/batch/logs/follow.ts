/**
 * Which stream a follower reads, round after round. It starts with the requested attempt (or the latest one) and,
 * when following the latest, moves on to the next attempt's stream once a retry has started it, after reading the
 * previous one to its end: no attempt's last lines are skipped.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {LogSink, ReadResult, StreamReader} from './reader'

import {attemptStreams} from './source'

export interface FollowPlan {
  /** 1-based; undefined follows the latest attempt, moving on at each retry. */
  attempt?: number
  /**
   * Without `attempt`: the attempt to start at, when not the latest. A job just submitted starts at 1, so an
   * attempt that failed before the first DescribeJobs is still printed.
   */
  from?: number
  /** `--tail N` applies to the first stream read. */
  tail?: number
}

export class AttemptFollower {
  private index: number | undefined
  private reader: StreamReader | undefined
  private tailPending: boolean

  constructor(
    private readonly plan: FollowPlan,
    private readonly open: (job: JobDetail, stream: string) => StreamReader,
  ) {
    this.tailPending = plan.tail !== undefined
  }

  /** The 1-based attempt being read (or waited for). */
  get attempt(): number {
    return (this.index ?? 0) + 1
  }

  /** The reader of the current stream; undefined until an attempt has started. */
  get current(): StreamReader | undefined {
    return this.reader
  }

  /** Reads all that is new for this job, as described now. `exists` is false when the stream is not there yet. */
  async round(job: JobDetail, sink: LogSink): Promise<ReadResult> {
    const streams = attemptStreams(job)
    this.index ??= Math.max(0, (this.plan.attempt ?? this.plan.from ?? streams.length) - 1)
    let total: ReadResult = {events: 0, exists: true}
    for (let stream = streams[this.index]; stream; stream = streams[this.index]) {
      if (this.reader?.stream !== stream) this.reader = this.open(job, stream)
      // eslint-disable-next-line no-await-in-loop -- streams are read one after another, in attempt order
      const result = await this.readMore(this.reader, sink)
      total = {...(result.ended ? {ended: true} : {}), events: total.events + result.events, exists: result.exists}
      // Following the latest attempt: a retry started a new stream, so this one is complete. Move on.
      if (this.plan.attempt !== undefined || this.index >= streams.length - 1) break
      this.index++
    }

    return total
  }

  /** Everything new in the stream; the first time with `--tail`, the last N events and then what follows them. */
  private async readMore(reader: StreamReader, sink: LogSink): Promise<ReadResult> {
    if (!this.tailPending) return reader.drain(sink)
    this.tailPending = false
    const last = await reader.tail(this.plan.tail!, sink)
    if (!last.exists) return last
    const rest = await reader.drain(sink)
    return {...(rest.ended ? {ended: true} : {}), events: last.events + rest.events, exists: rest.exists}
  }
}
