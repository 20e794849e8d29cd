import {once} from 'node:events'

/**
 * What following a job looks like. Log lines are results: stdout, as plain text, with `--timestamps`, or as NDJSON
 * (`--json`). Status changes and the RUNNABLE diagnosis are progress: stderr. Writing waits for stdout to drain, so
 * a slow pipe slows the tail down instead of buffering the whole log in memory.
 */
import type {LogEvent, LogSink} from '../batch/logs/reader'
import type {Diagnosis, StatusChange} from '../batch/watch/job-watcher'

import {lineOf} from '../batch/logs/message-lines'
import {runnableAfterMs, type WatcherHooks} from '../batch/watch/create-watcher'
import {isFinished} from '../batch/watch/job-watcher'
import {colorEnabled, type Palette, palette} from './color'
import {formatDuration} from './duration'
import {inert, inertCopy} from './inert'
import {jsonLine} from './json'

export interface LogFormat {
  /** Control characters of the job's lines made visible (inert.ts); the printer sets it on a terminal. */
  inert?: boolean
  json?: boolean
  /** `logs --raw`: the job's bytes as they are, even on a terminal (its own colours back). */
  raw?: boolean
  timestamps?: boolean
}

/** One event as one line. The awslogs driver already strips the newline; a message that kept one is not doubled. */
export function formatEvent(event: LogEvent, format: LogFormat = {}): string {
  if (format.json) {
    const node = event.node === undefined ? {} : {node: event.node}
    // The documented field order (DESIGN.md: timestamp, message, stream, then node) reads best in a terminal.
    // eslint-disable-next-line perfectionist/sort-objects
    return jsonLine({timestamp: event.timestamp, message: event.message, stream: event.stream, ...node})
  }

  const message = format.inert ? inert(plainMessage(event)) : plainMessage(event)
  return format.timestamps ? `${new Date(event.timestamp).toISOString()} ${message}\n` : `${message}\n`
}

/** The message as a line shows it, without its newline. */
function plainMessage(event: LogEvent): string {
  const message = lineOf(event.message)
  // `--all-nodes`: "[2] " in front of the message, after any timestamp, so `grep '\[2\] '` picks one node.
  return event.node === undefined ? message : `[${event.node}] ${message}`
}

/**
 * Prints pages of events on `stream`. On a terminal the lines are shown inert unless `--raw` or `--json` (a JSON
 * string escapes control characters itself); in a pipe or a file they are the job's bytes.
 */
export function logPrinter(stream: NodeJS.WritableStream, format: LogFormat = {}): LogSink {
  const terminal = Boolean((stream as {isTTY?: boolean}).isTTY)
  const shown: LogFormat = {...format, inert: format.inert ?? (terminal && !format.raw && !format.json)}
  const plain = !shown.json && !shown.timestamps
  const write = async (chunk: Buffer | string) => {
    if (!stream.write(chunk)) await once(stream, 'drain')
  }

  const sink: LogSink = async (events) => {
    if (events.length === 0) return
    await write(plain ? plainText(events, shown.inert) : events.map((event) => formatEvent(event, shown)).join(''))
  }

  // Lines as they are, so a page can come as its lines' bytes (message-lines.ts): no event or string made for it.
  if (plain && !shown.inert) sink.lines = write
  return sink
}

/**
 * A page as `formatEvent` prints it without --json or --timestamps, made with one join: a page is up to 10,000
 * lines, and adding them one by one to a string makes twice as many short-lived strings for the garbage collector
 * of a process that prints a long log (bench/README.md, B2).
 */
export function plainText(events: readonly LogEvent[], shownInert = false): string {
  const text = `${events.map((event) => plainMessage(event)).join('\n')}\n`
  return shownInert ? inert(text) : text
}

const STATUS_PAINT: Record<string, keyof Palette> = {
  FAILED: 'red',
  RUNNABLE: 'yellow',
  RUNNING: 'cyan',
  SUCCEEDED: 'green',
}

/**
 * "hello-world a1b2c3d4 FAILED (exit 3): Essential container in task exited"; a failed job's container reason
 * follows (why it could not start, or that it ran out of memory, with the limit it hit and how to raise it).
 */
export function statusLine(change: StatusChange, colors: Palette = palette(false)): string {
  // Stderr is for people: the job's own text (name, reasons) is shown inert there, pipe or not.
  const job = inertCopy(change.job)
  const status = inert(change.status)
  const paint = colors[STATUS_PAINT[status] ?? 'bold']
  const code = job.container?.exitCode ?? job.attempts?.at(-1)?.container?.exitCode
  const exit = status === 'FAILED' && code !== undefined ? ` (exit ${code})` : ''
  const reason = job.statusReason ? `: ${job.statusReason}` : ''
  const container = status === 'FAILED' ? containerReason(job) : undefined
  return `job ${job.jobName} ${job.jobId} ${paint(status)}${exit}${reason}${container ? `; ${container}` : ''}`
}

/** The container's own reason, with what to do about an out-of-memory kill. */
export function containerReason(job: StatusChange['job']): string | undefined {
  const reason = job.container?.reason ?? job.attempts?.at(-1)?.container?.reason
  if (!reason?.startsWith('OutOfMemoryError')) return reason
  const memory =
    job.container?.resourceRequirements?.find((r) => r.type === 'MEMORY')?.value ?? job.container?.memory?.toString()
  const limit = memory === undefined ? 'its memory limit' : `its memory limit of ${memory} MiB (MEMORY)`
  return `${reason} (the job went over ${limit}; raise it with --memory, or use less)`
}

/** `--verbose`: a call AWS refused for now, and when it will be tried again. */
export function retryLine(operation: string, error: unknown, delayMs: number): string {
  const name = (error as undefined | {name?: string})?.name ?? 'error'
  return `${operation}: ${name}; trying again in ${(delayMs / 1000).toFixed(1)}s`
}

/** The header and one indented line per finding. */
export function diagnosisLines(diagnosis: Diagnosis): string[] {
  const {job, runnableForMs} = diagnosis
  return [
    inert(`job ${job.jobName} ${job.jobId} has been RUNNABLE for ${formatDuration(runnableForMs)}:`),
    ...diagnosis.findings.map((finding) => `  - ${inert(finding)}`),
  ]
}

export interface ProgressHooks extends WatcherHooks {
  /** With `finalLast`: prints the final status line held back so far, if there is one. */
  release(): void
}

/**
 * What a waiting command shows on stderr through `say`: each status change (unless `changes` is false), the
 * RUNNABLE diagnosis, and with `verbose` each DescribeJobs that AWS refused for now. `finalLast` (following logs):
 * a job's SUCCEEDED or FAILED line waits for `release()`, called once its last log lines are printed. A quick job is
 * seen finished before its stream is read, and the end should read last, not above the job's output.
 */
export function progressHooks(
  say: (line: string) => void,
  {changes = true, finalLast = false, verbose = false} = {},
): ProgressHooks {
  const colors = palette(colorEnabled({stream: process.stderr}))
  let held: string | undefined
  return {
    onChange: changes
      ? (change) => {
          const line = statusLine(change, colors)
          if (finalLast && isFinished(change.status)) held = line
          else say(line)
        }
      : undefined,
    onDiagnosis(diagnosis) {
      for (const line of diagnosisLines(diagnosis)) say(line)
    },
    onRetry: verbose ? (error, delayMs) => say(retryLine('DescribeJobs', error, delayMs)) : undefined,
    release() {
      if (held !== undefined) say(held)
      held = undefined
    },
    runnableAfterMs: runnableAfterMs(),
  }
}
