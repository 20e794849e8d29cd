/**
 * `--retry-on KINDS`: which failures `--retries` retries, compiled to AWS Batch's `retryStrategy.evaluateOnExit`
 * (DESIGN.md section 13). Batch tries the rules in order and the first that matches decides; a failure no rule
 * matches is retried, so the list always ends with an EXIT rule for everything else. Batch takes at most 5 rules.
 *
 * The patterns are the texts Batch reports (a pattern may end with `*`, matching any value starting with what comes
 * before it):
 * - host: the instance went away (a Spot reclaim, a lost host): the attempt's statusReason `Host EC2 (instance
 *   i-...) terminated.`, matched as `Host EC2*` (also the AWS CDK's `Reason.SPOT_INSTANCE_RECLAIMED`);
 * - oom: the container's reason `OutOfMemoryError: Container killed due to memory usage`;
 * - start: the container's reason `CannotPullContainerError: ...` or `CannotStartContainerError: ...`;
 * - exit:CODES: the container's exit code, one rule per code (`exit:137,143`);
 * - all: every failure (no rules), as `--retries` alone does.
 */
import type {EvaluateOnExit} from '@aws-sdk/client-batch'

import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'
import {text} from '../parse/values'

/** "Array of up to 5 objects" (RetryStrategy.evaluateOnExit). */
export const MAX_EVALUATE_ON_EXIT = 5

export const RETRY_ON_ALLOWED = 'use host, oom, start, exit:CODES (e.g. exit:137,143) or all, separated by commas'

const KIND_RULES: Record<string, EvaluateOnExit[]> = {
  host: [{action: 'RETRY', onStatusReason: 'Host EC2*'}],
  oom: [{action: 'RETRY', onReason: 'OutOfMemoryError*'}],
  start: [
    {action: 'RETRY', onReason: 'CannotPullContainerError*'},
    {action: 'RETRY', onReason: 'CannotStartContainerError*'},
  ],
}

/** Everything the rules above do not match ends the job. */
const EXIT_OTHERWISE: EvaluateOnExit = {action: 'EXIT', onReason: '*'}

/** An exit code as onExitCode takes it: digits, or digits and a trailing `*` (a prefix). */
const EXIT_CODE = /^\d{1,3}\*?$/

/**
 * The evaluateOnExit rules for `--retry-on`, or undefined for every failure (no flag, or `all`). `attempts` is
 * retries + 1: the rules need a retry to choose.
 */
export function buildRetryOn(s: Sourced | undefined, attempts: number): EvaluateOnExit[] | undefined {
  const raw = text(s, RETRY_ON_ALLOWED)
  if (raw === undefined) return undefined
  const {label} = s!.origin
  const kinds = parseKinds(raw, label)
  if (attempts <= 1) {
    throw new InputError(`${label}: needs --retries N (1 to 9): with no retry there is nothing to choose`)
  }

  if (kinds.includes('all')) {
    if (kinds.length > 1) throw invalid(label, raw, '`all` retries every failure; give it alone or leave it out')
    return undefined
  }

  const rules: EvaluateOnExit[] = []
  for (const kind of kinds) {
    const code = /^exit:(.+)$/.exec(kind)?.[1]
    const more: EvaluateOnExit[] = code === undefined ? KIND_RULES[kind] : [{action: 'RETRY', onExitCode: code}]
    for (const rule of more) {
      if (!rules.some((r) => JSON.stringify(r) === JSON.stringify(rule))) rules.push({...rule})
    }
  }

  rules.push({...EXIT_OTHERWISE})
  if (rules.length > MAX_EVALUATE_ON_EXIT) {
    throw new InputError(
      `${label}: "${raw}" needs ${rules.length} evaluateOnExit rules (one each for host and oom, two for start, one ` +
        `per exit code, one to end the rest); AWS Batch allows ${MAX_EVALUATE_ON_EXIT}`,
    )
  }

  return rules
}

/** `host,exit:137,143,oom` -> ['host', 'exit:137', 'exit:143', 'oom']: bare codes continue the exit: before them. */
function parseKinds(raw: string, label: string): string[] {
  const kinds: string[] = []
  let inExit = false
  for (const word of raw.split(',').map((w) => w.trim().toLowerCase())) {
    if (word.startsWith('exit:')) {
      const code = word.slice('exit:'.length)
      if (!EXIT_CODE.test(code)) throw invalid(label, raw, `exit: takes exit codes such as exit:137,143`)
      kinds.push(word)
      inExit = true
    } else if (inExit && EXIT_CODE.test(word)) {
      kinds.push(`exit:${word}`)
    } else if (word in KIND_RULES || word === 'all') {
      kinds.push(word)
      inExit = false
    } else {
      throw invalid(label, raw, RETRY_ON_ALLOWED)
    }
  }

  return kinds
}
