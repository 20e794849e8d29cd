/**
 * How long `--follow` keeps reading once the job has finished. CloudWatch can make a job's last lines readable a
 * few seconds after the job is seen SUCCEEDED or FAILED, so following ends only after the stream has been quiet
 * this long; each late line starts the quiet period again.
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
