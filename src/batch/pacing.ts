/**
 * Time and patience for every loop that talks to AWS (the watch loop, the log tailer, the submit retry). Time is
 * injected (`Clock`) so the loops are tested without real sleeps; the backoff and the "is this worth retrying"
 * rule live here once, so every loop rides out throttling the same way (DESIGN.md section 6).
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) {
        resolve()
        return
      }

      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }

      const timer = setTimeout(done, ms)
      signal?.addEventListener('abort', done, {once: true})
    }),
}

/**
 * Exponential backoff with full jitter ("AWS Architecture Blog: Exponential Backoff And Jitter"): many clients
 * throttled at once spread out instead of retrying in lockstep. `failures` counts consecutive failures from 1.
 * `random` is injectable so tests are deterministic.
 */
export function backoffDelay(
  failures: number,
  {baseMs = 1000, capMs = 20_000, random = Math.random}: {baseMs?: number; capMs?: number; random?: () => number} = {},
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1))
  // Never below half the ceiling: a retry within a few ms of a throttle only earns another throttle.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

const TRANSIENT_NAMES = new Set([
  'InternalFailure',
  'InternalServerError',
  'RequestLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TimeoutError',
  'TooManyRequestsException',
])

const NETWORK_CODES = new Set([
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
])

interface AwsLikeError {
  $metadata?: {httpStatusCode?: number}
  $retryable?: unknown
  code?: string
  message?: string
  name?: string
}

/**
 * Whether an error is worth waiting out: throttling (429), a 5xx, or the network (reset, timeout, refused). Anything
 * else (a 4xx the caller caused, access denied) will fail the same way again.
 */
export function isTransient(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const err = error as AwsLikeError
  // An endpoint that never answered (reachability.ts) will not start answering by waiting.
  if (err.name === 'UnreachableEndpoint') return false
  const status = err.$metadata?.httpStatusCode
  if (status === 429 || (status !== undefined && status >= 500)) return true
  if (err.name && TRANSIENT_NAMES.has(err.name)) return true
  if (err.code && NETWORK_CODES.has(err.code)) return true
  if (err.$retryable) return true
  return /socket hang up|ECONNRESET|ETIMEDOUT|network/i.test(err.message ?? '')
}

/**
 * Whether a failed call may still have done its work on the server: the request left but no answer came back
 * (timeout, reset, a dropped response) or the server failed midway (5xx). A 429 is rejected before any work.
 */
export function isAmbiguous(error: unknown): boolean {
  if (!isTransient(error)) return false
  const err = error as AwsLikeError
  const status = err.$metadata?.httpStatusCode
  if (status === 429) return false
  return !(err.name && /throttl|toomanyrequests|limitexceeded|slowdown/i.test(err.name))
}

/** The exception's name, e.g. `ResourceNotFoundException`, or undefined for something that is not an AWS error. */
export function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as AwsLikeError).name : undefined
}
