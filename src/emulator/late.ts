/**
 * Lateness for tests, set by environment variables of the emulator process (no AWS client can see or set them):
 * answers of chosen operations that come late though the work is done at once (Ctrl-C while SubmitJob is
 * unanswered), and log lines that reach CloudWatch Logs late, after the job is seen finished, as the awslogs
 * driver's delivery can be.
 */
import type {LogSink} from './contract'

/** `SubmitJob=5000,DescribeJobs=200`: milliseconds by which those operations' answers are held back. */
export const ANSWER_DELAY_ENV = 'MFBATCH_EMULATOR_ANSWER_DELAY'
/** Milliseconds between a job writing a line and the line being readable (default 0). */
export const LOG_DELAY_ENV = 'MFBATCH_EMULATOR_LOG_DELAY_MS'

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

/** A LogSink whose appends land `ms` later, in the order they were made; streams are still created at once. */
export function lateLogs(sink: LogSink, ms: number): LogSink {
  if (ms <= 0) return sink
  return {
    append(group, stream, events) {
      const copy = [...events]
      setTimeout(() => sink.append(group, stream, copy), ms).unref()
    },
    ensureStream: (group, stream) => sink.ensureStream(group, stream),
  }
}
