/**
 * What `submit` tells a person on stderr once the job exists (stdout carries only the id): where it went and the
 * exact commands to look at it, stop it or re-attach, with the connection flags that reached it, as dsub does.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {InterruptedSubmit} from '../batch/submit/interrupted'
import type {Submission} from '../batch/submit/service'

import {inert} from './inert'
import {jobView, type JobView} from './job-view'

/** `--json` of submit: a stable contract. */
export interface SubmitResult {
  jobArn: null | string
  jobDefinition: string
  jobId: string
  jobName: string
  jobQueue: string
  platform: string
}

export function submitResult(job: Submission): SubmitResult {
  return {
    jobArn: job.jobArn ?? null,
    jobDefinition: job.jobDefinition,
    jobId: job.jobId,
    jobName: job.jobName,
    jobQueue: job.jobQueue,
    platform: job.platform,
  }
}

/** `--json` of submit with `--wait`: the submit fields plus how the wait ended, one document once it has. */
export interface SubmitWaitResult extends SubmitResult {
  result: {
    /** finished, timeout (--wait-timeout ran out; the job keeps running) or interrupted (Ctrl-C). */
    end: 'finished' | 'interrupted' | 'timeout'
    /** What mfbatch exits with: the job's own exit code, or 124 (timeout), 130 (interrupted), ... */
    exitCode: number
    /** The job as `status --json` shows it, as last described; null if it never was. */
    job: JobView | null
    /** The container's reason (CannotStartContainerError: ..., OutOfMemoryError: ...), else the job's. */
    reason: null | string
    status: null | string
  }
}

export function submitWaitResult(
  submitted: SubmitResult,
  waited: {end: SubmitWaitResult['result']['end']; exitCode: number; job?: JobDetail},
  now: number,
): SubmitWaitResult {
  const job = waited.job ? jobView(waited.job, now) : null
  const reason = waited.job?.container?.reason ?? job?.attempts.at(-1)?.reason ?? job?.statusReason ?? null
  return {
    ...submitted,
    result: {end: waited.end, exitCode: waited.exitCode, job, reason, status: job?.status ?? null},
  }
}

export interface ConnectionFlags {
  'endpoint-url'?: string
  local?: boolean
  profile?: string
  region?: string
}

/** The connection flags as typed, so a printed command reaches the same place (`--local`, `--region eu-west-1`). */
export function connectionArgs(flags: ConnectionFlags): string {
  const args: string[] = []
  if (flags.local) args.push('--local')
  for (const name of ['region', 'profile', 'endpoint-url'] as const) {
    const value = flags[name]
    if (value) args.push(`--${name} ${shellWord(value)}`)
  }

  return args.map((arg) => ` ${arg}`).join('')
}

function shellWord(value: string): string {
  return /^[\w./:@=-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`
}

export function submittedLines(job: Submission, bin: string, connection: string): string[] {
  const reused = job.registered ? 'registered' : 'reused'
  // The queue can be the one AWS named as the default: shown inert, as all text from AWS is.
  return [
    inert(`submitted job ${job.jobName} to queue ${job.jobQueue} (${job.platform}; job definition ${reused})`),
    `  status: ${bin} status ${job.jobId}${connection}`,
    `  logs:   ${bin} logs --follow ${job.jobId}${connection}`,
    `  kill:   ${bin} kill ${job.jobId}${connection}`,
  ]
}

/** After Ctrl-C: the job runs on (or was terminated), and how to pick it up again. */
export function interruptedLines(jobId: string, bin: string, connection: string, killed: boolean): string[] {
  if (killed) return [`interrupted; terminated job ${jobId}`]
  return [`interrupted; job ${jobId} keeps running. Re-attach with:`, `  ${bin} logs --follow ${jobId}${connection}`]
}

/** Ctrl-C before SubmitJob answered: whether a job was made, and what to run next. */
export function interruptedSubmitLines(outcome: InterruptedSubmit, bin: string, connection: string): string[] {
  switch (outcome.state) {
    case 'not-sent': {
      return ['interrupted; not submitted (SubmitJob had not been sent)']
    }

    case 'not-submitted': {
      return [`interrupted; not submitted (queue ${outcome.input.jobQueue} has no job of this submit)`]
    }

    case 'submitted': {
      const {jobId} = outcome.job
      return [
        `interrupted; submitted as ${jobId}, and it runs on. Follow it or stop it with:`,
        `  ${bin} logs --follow ${jobId}${connection}`,
        `  ${bin} kill ${jobId}${connection}`,
      ]
    }

    case 'unknown': {
      const {jobName, jobQueue} = outcome.input
      return [
        `interrupted; could not tell whether the job was submitted (${outcome.error}). Check before submitting again:`,
        `  ${bin} status --queue ${jobQueue} --name ${jobName} --state all${connection}`,
      ]
    }
  }
}
