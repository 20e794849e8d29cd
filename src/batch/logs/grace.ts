/**
 * How long `--follow` keeps reading once the job has finished. CloudWatch can make a job's last lines readable a
 * few seconds after the job is seen SUCCEEDED or FAILED, so following ends only after the stream has been quiet
 * this long; each late line starts the quiet period again. The quiet period counts from what is known, not from
 * when mfbatch noticed the end: the job's stoppedAt and the newest line's ingestion time. An endpoint that says the
 * stream is complete (the emulator, reader.ts `ended`) needs no grace at all.
 */
import {parseDuration} from '../parse/time'

export const DEFAULT_GRACE_MS = 3000
/** Read by `logs --follow` (below its --grace flag) and by `submit --follow`, which has no flag of its own. */
export const GRACE_ENV = 'MFBATCH_LOGS_GRACE'

/** `--grace` when given, else MFBATCH_LOGS_GRACE, else 3 s. */
export function followGraceMs(flag?: string, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return parseDuration(flag, '--grace')
  const value = env[GRACE_ENV]
  return value ? parseDuration(value, GRACE_ENV) : DEFAULT_GRACE_MS
}

/**
 * Since when a finished job's stream has been quiet (epoch ms). `previous` is the value of the round before
 * (undefined on the first round after the end); `moved` whether this round read new lines; `lastIngestion` the
 * newest line's ingestion time read so far (0 if none). Times from the endpoint's clock are never taken as later
 * than `now`, so a clock ahead of ours cannot stretch the wait.
 */
export function quietSince(
  previous: number | undefined,
  {lastIngestion, moved, now, stoppedAt}: {lastIngestion: number; moved: boolean; now: number; stoppedAt?: number},
): number {
  const known = Math.min(now, Math.max(stoppedAt ?? 0, lastIngestion))
  if (previous === undefined) return known > 0 ? known : now
  if (!moved) return previous
  return lastIngestion > 0 ? Math.max(previous, Math.min(now, lastIngestion)) : now
}
