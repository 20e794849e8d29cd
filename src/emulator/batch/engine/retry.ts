/**
 * Whether a failed attempt is retried, by AWS's rules (RetryStrategy / EvaluateOnExit in the Batch API reference):
 * - `attempts` (default 1) bounds the number of attempts;
 * - the evaluateOnExit conditions are tried in order; in one condition every pattern given must match; the first
 *   matching condition's action (RETRY or EXIT, any case) decides;
 * - when conditions are given and none matches, the job is retried;
 * - a pattern matches exactly, or, if it ends with `*`, matches any value starting with what comes before it.
 *   onStatusReason is matched against the attempt's statusReason, onReason against the container's reason and
 *   onExitCode against the decimal exit code; a missing value matches only `*`.
 */
import {EvaluateOnExit, RetryStrategy} from '../types'

export interface AttemptOutcome {
  exitCode?: number
  reason?: string
  statusReason?: string
}

export function matchesPattern(pattern: string, value: string | undefined): boolean {
  if (pattern.endsWith('*')) return (value ?? '').startsWith(pattern.slice(0, -1))
  return value !== undefined && value === pattern
}

export function conditionMatches(condition: EvaluateOnExit, outcome: AttemptOutcome): boolean {
  const checks: Array<[string | undefined, string | undefined]> = [
    [condition.onStatusReason, outcome.statusReason],
    [condition.onReason, outcome.reason],
    [condition.onExitCode, outcome.exitCode === undefined ? undefined : String(outcome.exitCode)],
  ]
  return checks.every(([pattern, value]) => pattern === undefined || matchesPattern(pattern, value))
}

/** True when a new attempt should start after `attemptsMade` attempts ended with `outcome`. */
export function shouldRetry(
  strategy: RetryStrategy | undefined,
  attemptsMade: number,
  outcome: AttemptOutcome,
): boolean {
  if (attemptsMade >= (strategy?.attempts ?? 1)) return false
  const conditions = strategy?.evaluateOnExit ?? []
  const first = conditions.find((c) => conditionMatches(c, outcome))
  return first === undefined || first.action.toUpperCase() === 'RETRY'
}
