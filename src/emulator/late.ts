/**
 * Lateness for tests, set by environment variables of the emulator process (no AWS client can see or set them):
 * answers of chosen operations that come late though the work is done at once (Ctrl-C while SubmitJob is
 * unanswered), and log lines that reach CloudWatch Logs late, after the job is seen finished, as the awslogs
 * driver's delivery can be. A third knob makes the logs say nothing of a stream's end, as CloudWatch says nothing:
 * readers then fall back to their grace period, as they must against AWS.
 */
import type {LogSink} from './contract'

/** `SubmitJob=5000,DescribeJobs=200`: milliseconds by which those operations' answers are held back. */
export const ANSWER_DELAY_ENV = 'MFBATCH_EMULATOR_ANSWER_DELAY'
/** Milliseconds between a job writing a line and the line being readable (default 0). */
export const LOG_DELAY_ENV = 'MFBATCH_EMULATOR_LOG_DELAY_MS'
/** `1`: GetLogEvents never says that a stream has ended (contract.ts, STREAM_ENDED_HEADER), as CloudWatch never does. */
export const HIDE_STREAM_END_ENV = 'MFBATCH_EMULATOR_HIDE_STREAM_END'

export function answerDelays(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const delays: Record<string, number> = {}
  for (const item of (env[ANSWER_DELAY_ENV] ?? '').split(',')) {
    if (item.trim() === '') continue
    const [operation, ms] = item.split('=').map((part) => part.trim())
    if (!/^[A-Za-z]+$/.test(operation) || !/^\d+$/.test(ms ?? '')) {
      throw new Error(`${ANSWER_DELAY_ENV}: ${JSON.stringify(item)} is not allowed; use Operation=MS, comma-separated`)
    }

    delays[operation] = Number(ms)
  }

  return delays
}

export function logDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[LOG_DELAY_ENV]?.trim()
  if (!value) return 0
  if (!/^\d+$/.test(value))
    throw new Error(`${LOG_DELAY_ENV}: ${JSON.stringify(value)} is not allowed; use milliseconds`)
  return Number(value)
}

export function streamEndHidden(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[HIDE_STREAM_END_ENV]?.trim()
  if (!value || value === '0') return false
  if (value === '1') return true
  throw new Error(`${HIDE_STREAM_END_ENV}: ${JSON.stringify(value)} is not allowed; use 1 or 0`)
}

/**
 * A LogSink whose appends land `ms` later, in the order they were made; streams are still created at once. A
 * stream's end lands after its last lines (same delay, timers run in order), so "ended" is never said too early.
 */
export function lateLogs(sink: LogSink, ms: number, hideEnds = streamEndHidden()): LogSink {
  if (ms <= 0 && !hideEnds) return sink
  const endStream = hideEnds ? () => {} : (group: string, stream: string) => sink.endStream(group, stream)
  if (ms <= 0) {
    return {
      append: (group, stream, events) => sink.append(group, stream, events),
      endStream,
      ensureStream: (group, stream) => sink.ensureStream(group, stream),
    }
  }

  return {
    append(group, stream, events) {
      const copy = [...events]
      setTimeout(() => sink.append(group, stream, copy), ms).unref()
    },
    endStream(group, stream) {
      setTimeout(() => endStream(group, stream), ms).unref()
    },
    ensureStream: (group, stream) => sink.ensureStream(group, stream),
  }
}
