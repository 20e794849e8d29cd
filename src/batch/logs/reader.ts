/**
 * Reads one CloudWatch log stream with GetLogEvents and a cursor (DESIGN.md section 4). Pages go to the sink as they
 * arrive and the cursor moves only after the sink took them, so memory stays flat however long the stream is, and
 * a failed call is retried from the same place: no line lost, none printed twice.
 */
import type {GetLogEventsCommandInput, GetLogEventsCommandOutput} from '@aws-sdk/client-cloudwatch-logs'

import {setImmediate} from 'node:timers/promises'

import type {LogsApi} from '../clients'

import {RuntimeError} from '../../errors'
import {explainKnownFailure} from '../errors'
import {backoffDelay, type Clock, errorName, isTransient, systemClock} from '../pacing'
import {type StreamEndNote} from './events-protocol'
import {messageLines, type MessageLines, type RawEvents} from './message-lines'
import {RAW_EVENTS} from './page-json'

/** GetLogEvents' largest page. */
export const PAGE_SIZE = 10_000

export interface LogEvent {
  message: string
  /** The index printed as `[N] `: the node that wrote it (`--all-nodes`), or the array child (following an array). */
  node?: number
  stream: string
  /** Epoch milliseconds. */
  timestamp: number
}

/** Receives each page in order. Awaited: a slow reader of stdout slows the tail instead of filling memory. */
export interface LogSink {
  (events: LogEvent[]): Promise<void> | void
  /**
   * A sink that prints each message as a line and nothing else may take a page as those lines' bytes instead
   * (message-lines.ts): `drain()` hands it each page it can read so (no --since, the shape the scan accepts), and
   * the others as events.
   */
  lines?: (text: Buffer) => Promise<void> | void
}

export interface ReaderOptions {
  clock?: Clock
  onRetry?: (error: unknown, delayMs: number) => void
  pageSize?: number
  random?: () => number
  signal?: AbortSignal
  /** `--since`: the first read starts at this epoch ms instead of the stream's head. */
  startTime?: number
}

export interface ReadResult {
  /**
   * The endpoint said the stream is complete and the read is caught up with it: nothing more will come. Only the
   * emulator says so (events-protocol.ts); against CloudWatch this stays false and followers keep their grace.
   */
  ended?: boolean
  events: number
  /** False when the stream (or its group) does not exist: the container has not written yet, or never will. */
  exists: boolean
}

export class StreamReader {
  /** The newest ingestion time (epoch ms, the endpoint's clock) of the events read so far; 0 before any. */
  lastIngestionTime = 0
  private failures = 0
  private token: string | undefined

  constructor(
    private readonly logs: LogsApi,
    readonly group: string,
    readonly stream: string,
    private readonly options: ReaderOptions = {},
  ) {}

  private get pageSize(): number {
    return this.options.pageSize ?? PAGE_SIZE
  }

  /**
   * Reads forward from the cursor until caught up (GetLogEvents hands back the token it was given), handing each
   * page to `sink`. Called again later, it goes on from where it stopped.
   */
  async drain(sink: LogSink): Promise<ReadResult> {
    let events = 0
    let sent = this.token
    let pending = this.fetch(sent)
    for (;;) {
      // eslint-disable-next-line no-await-in-loop -- each page's token is the next page's cursor
      const step = await this.deliver(pending, sent, sink)
      if (step === 'aborted') return {events, exists: true}
      if (step === 'missing') return {events, exists: false}
      events += step.events
      if (step.next) this.token = step.next
      if (!step.following) return {...(step.ended ? {ended: true} : {}), events, exists: true}
      sent = step.next
      pending = step.following
    }
  }

  /**
   * `--tail N`: hands the last `n` events to `sink`, in order, and leaves the cursor after them so that `drain()`
   * follows on. Reads backward from the end (startFromHead false) and keeps at most `n` events in memory.
   */
  async tail(n: number, sink: LogSink): Promise<ReadResult> {
    const pages: LogEvent[][] = []
    let count = 0
    let backward: string | undefined
    let forward: string | undefined
    do {
      // eslint-disable-next-line no-await-in-loop -- each page's token is the next page's cursor
      const answer = await this.call({
        limit: Math.max(1, Math.min(this.pageSize, n - count)),
        nextToken: backward,
        startFromHead: false,
        startTime: this.options.startTime,
      })
      if (answer === 'aborted') return {events: 0, exists: true}
      if (answer === 'missing') return {events: 0, exists: false}
      if (forward === undefined) forward = answer.nextForwardToken ?? ''
      const batch = this.eventsOf(answer)
      if (n > 0 && batch.length > 0) pages.unshift(batch)
      count += batch.length
      const next = answer.nextBackwardToken
      if (!next || next === backward) break
      backward = next
    } while (count < n)

    this.token = forward || undefined
    // The oldest page may reach further back than asked: keep only the last n.
    const events = n > 0 ? pages.flat().slice(-n) : []
    if (events.length > 0) await sink(events)
    return {events: events.length, exists: true}
  }

  /** One GetLogEvents, retried with backoff on throttling, 5xx and the network for as long as it takes. */
  private async call(input: Omit<GetLogEventsCommandInput, 'logGroupName' | 'logStreamName'>) {
    const {clock = systemClock, onRetry, random, signal} = this.options
    for (;;) {
      if (signal?.aborted) return 'aborted' as const
      try {
        // eslint-disable-next-line no-await-in-loop -- retries are sequential by nature
        const page: GetLogEventsCommandOutput = await this.logs.getLogEvents({
          ...input,
          logGroupName: this.group,
          logStreamName: this.stream,
        })
        this.failures = 0
        return page
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return 'missing' as const
        if (!isTransient(error)) throw this.refused(error)

        this.failures++
        const delay = backoffDelay(this.failures, {random})
        onRetry?.(error, delay)
        // eslint-disable-next-line no-await-in-loop
        await clock.sleep(delay, signal)
      }
    }
  }

  /**
   * One page into the sink. The page after it is asked for before the sink is called, so that AWS answers while
   * this page is printed; the sink still holds the reader back (at most one page waits, ready). A function of its
   * own so that the page is garbage as soon as it returns: held by drain's frame while the next page arrives, each
   * page would outlive a young-generation collection, and a long stream would grow the heap.
   */
  private async deliver(pending: ReturnType<StreamReader['fetch']>, sent: string | undefined, sink: LogSink) {
    const answer = await pending
    if (answer === 'aborted' || answer === 'missing') return answer
    const next = answer.nextForwardToken
    // The same token back means the end: nothing to ask for ahead.
    const following = next && next !== sent ? this.fetch(next) : undefined
    // The SDK sends a request only after a run of its own promise steps, and the sink formats and writes a whole
    // page before it first waits: without this turn of the event loop the request for the next page would leave
    // only after this page is printed, and AWS would start on it only then (bench/README.md, B2).
    if (following) await setImmediate()
    // As lines for a sink that takes them, when nothing is filtered out (--since) and the answer allows it.
    const lines = sink.lines && this.options.startTime === undefined ? this.linesOf(answer) : undefined
    const batch = lines ? [] : this.eventsOf(answer)
    const ingested = lines ? lines.lastIngestionTime : answer.events?.at(-1)?.ingestionTime
    if (ingested !== undefined && ingested > this.lastIngestionTime) this.lastIngestionTime = ingested
    const events = lines ? lines.count : batch.length
    if (events > 0) await (lines ? sink.lines?.(lines.text) : sink(batch))
    // Caught up (nothing asked for ahead) with an answer that said the stream is complete.
    const ended = !following && (answer as StreamEndNote).$streamEnded === true
    return {ended, events, following, next}
  }

  /**
   * The answer's events. page-json.ts parses a large answer's events at their first use, here: one that does not
   * parse fails as the call it is.
   */
  private eventsOf(answer: GetLogEventsCommandOutput): LogEvent[] {
    try {
      return this.toEvents(answer)
    } catch (error) {
      throw this.refused(error)
    }
  }

  /** GetLogEvents forward from `token` (the head, or --since, without one). A failure waits to be awaited. */
  private fetch(token: string | undefined) {
    const page = this.call({
      limit: this.pageSize,
      nextToken: token,
      startFromHead: true,
      startTime: token ? undefined : this.options.startTime,
    })
    // Asked for ahead: if the sink fails first, nobody awaits this one, and its failure must not go unhandled.
    page.catch(() => {})
    return page
  }

  /** The answer's messages as lines (message-lines.ts), when page-json.ts kept its bytes and the scan accepts them. */
  private linesOf(answer: GetLogEventsCommandOutput): MessageLines | undefined {
    const raw = (answer as {[RAW_EVENTS]?: RawEvents})[RAW_EVENTS]
    return raw ? messageLines(raw) : undefined
  }

  /** The error to throw for a failure that waiting will not cure. */
  private refused(error: unknown): Error {
    const known = explainKnownFailure(error, `reading log stream ${this.stream}`)
    if (known) return known
    const name = errorName(error) ?? 'error'
    return new RuntimeError(
      `CloudWatch Logs refused GetLogEvents on ${this.group} ${this.stream} (${name}): ${(error as Error).message}`,
    )
  }

  /**
   * The page's events, none before `--since`: only the first request carries startTime, and the token an empty
   * answer hands back can point at the stream's head, so the pages after it would start over from the beginning.
   */
  private toEvents(page: GetLogEventsCommandOutput): LogEvent[] {
    const since = this.options.startTime
    const events =
      since === undefined ? (page.events ?? []) : (page.events ?? []).filter((e) => (e.timestamp ?? 0) >= since)
    return events.map((event) => ({
      message: event.message ?? '',
      stream: this.stream,
      timestamp: event.timestamp ?? 0,
    }))
  }
}
