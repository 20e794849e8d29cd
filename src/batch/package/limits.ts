/**
 * Limits AWS sets on what a packaged submit sends: a SubmitJob payload of at most 30 KiB, container overrides of
 * at most 8192 characters (the second is only enforced when the job starts, so it is measured here, before
 * submitting), and presigned URLs that live at most 7 days and never past the credentials that signed them.
 * Ours live shorter still: the URL is only the way in for images without aws or boto3, and a leaked one is a
 * download of the user's code for anyone who holds it.
 */
import {InputError} from '../../errors'

export const MAX_SUBMIT_PAYLOAD_BYTES = 30 * 1024
export const MAX_CONTAINER_OVERRIDES_CHARS = 8192
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600
/** Below this, stderr says the URL is short-lived (the job may start after it dies). */
export const SHORT_PRESIGN_SECONDS = 12 * 3600
/** How long a job may wait in its queue before its first attempt and still download with the URL. */
export const START_ALLOWANCE_SECONDS = 24 * 3600

interface Overrides {
  command?: string[]
  environment?: Array<{name?: string; value?: string}>
}

/**
 * Refuses a request AWS would refuse (the payload) or accept and then fail when the job starts (the container
 * overrides): one line with the sizes of the parts, so the user sees what to shorten.
 */
export function checkSubmitSize(submitJob: {containerOverrides?: Overrides}): void {
  const payload = Buffer.byteLength(JSON.stringify(submitJob))
  if (payload > MAX_SUBMIT_PAYLOAD_BYTES) {
    throw new InputError(
      `the SubmitJob request would be ${payload} bytes, above AWS's limit of ${MAX_SUBMIT_PAYLOAD_BYTES}; ` +
        'shorten the command or move environment variables into --env-file values the job reads itself',
    )
  }

  const overrides = submitJob.containerOverrides ?? {}
  const size = JSON.stringify(overrides).length
  if (size > MAX_CONTAINER_OVERRIDES_CHARS) {
    const environment = overrides.environment ?? []
    const urls = environment
      .filter(({name}) => /^MFBATCH_\w+_URL$/.test(name ?? ''))
      .reduce((sum, variable) => sum + JSON.stringify(variable).length, 0)
    throw new InputError(
      `the command and --env would be ${size} characters of the job's container overrides, above AWS's limit of ` +
        `${MAX_CONTAINER_OVERRIDES_CHARS} (AWS fails the job when it starts): the command ` +
        `${JSON.stringify(overrides.command ?? []).length} (with mfbatch's wrappers), the environment ` +
        `${JSON.stringify(environment).length}${urls > 0 ? ` (${urls} of it presigned URLs)` : ''}; shorten the ` +
        'command or the --env values, or pass what is long in a file (--package, --input)',
    )
  }
}

export interface PresignLife {
  notice?: string
  seconds: number
}

/**
 * How long the package's URL must live: every attempt downloads the package as it starts, so a day for the job to
 * leave its queue, then the timeout of each attempt that may come after the first.
 */
export function packageUrlSeconds(job: {attempts: number; timeoutSeconds: number}): number {
  return START_ALLOWANCE_SECONDS + Math.max(0, job.attempts - 1) * job.timeoutSeconds
}

/** min(what the job needs, 7 days, the credentials' remaining life), with a note when that is short. */
export function presignLife(
  now: number,
  credentialsExpire: Date | undefined,
  wanted = MAX_PRESIGN_SECONDS,
): PresignLife {
  const left = credentialsExpire ? Math.floor((credentialsExpire.getTime() - now) / 1000) : MAX_PRESIGN_SECONDS
  const seconds = Math.max(60, Math.min(MAX_PRESIGN_SECONDS, wanted, left))
  if (seconds >= SHORT_PRESIGN_SECONDS || seconds >= wanted) return {seconds}
  const minutes = Math.round(seconds / 60)
  return {
    notice:
      `the package's presigned URL lives ${minutes} minutes (it dies with the temporary credentials that signed ` +
      'it); a job that starts later downloads with its job role (aws CLI or boto3) or fails',
    seconds,
  }
}
