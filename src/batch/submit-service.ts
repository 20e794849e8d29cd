/**
 * `mfbatch submit` without --dry-run: settings -> checked job spec -> queue and platform from AWS -> the two
 * requests -> one job (submit-once.ts). Input is checked in two steps so that bad input costs no API call:
 * `prepareSubmit` (pure) rejects what is wrong on every platform; once the queue has told which platform it is,
 * the spec is built for that platform, which catches the rest (an EC2-only flag on a Fargate queue).
 */
import type {ResolvedSettings} from '../config/types'
import type {BatchApi, Clients} from './clients'
import type {SubmitInputs} from './dry-run'
import type {LogSink} from './log-reader'
import type {WatchOutcome} from './watch'

import {buildJobSpec, type JobSpec, parsePlatformChoice, type Platform, type PlatformChoice} from './job-spec'
import {explainAwsError} from './jobs-errors'
import {type LogsOutcome, readJobLogs} from './logs'
import {chooseQueue} from './platform'
import {buildRequests} from './requests'
import {submitJob, type SubmitOptions, type SubmittedJob} from './submit-once'
import {createWatcher, type WatcherHooks} from './watcher'

export interface PreparedSubmit {
  choice: PlatformChoice
  command: readonly string[]
  inputs: SubmitInputs
  /** The queue the settings name, if any. */
  queue?: string
  settings: Partial<ResolvedSettings>
  /** Built already when the platform is given; built after detection for `auto`. */
  spec?: JobSpec
}

/**
 * Everything that can be checked without AWS. With `--platform auto` the spec must be valid on EC2 or on Fargate;
 * when it is valid on neither, the EC2 error is the one shown (EC2 is the common case and accepts the most).
 */
export function prepareSubmit(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  inputs: SubmitInputs,
): PreparedSubmit {
  const choice = parsePlatformChoice(settings.platform)
  const base = {choice, command, inputs, settings}
  if (choice !== 'auto') {
    const spec = buildJobSpec(settings, command, {...inputs, platform: choice})
    return {...base, queue: spec.queue, spec}
  }

  let trial: JobSpec
  try {
    trial = buildJobSpec(settings, command, {...inputs, platform: 'EC2'})
  } catch (ec2Error) {
    try {
      trial = buildJobSpec(settings, command, {...inputs, platform: 'FARGATE'})
    } catch {
      throw ec2Error
    }
  }

  return {...base, queue: trial.queue}
}

export interface Submission extends SubmittedJob {
  /** True when no queue was set and the first ENABLED and VALID one was used. */
  defaultedQueue: boolean
  platform: Platform
  /** Settings that are valid but do nothing, for stderr. */
  warnings: string[]
}

export async function submitPrepared(
  batch: BatchApi,
  prepared: PreparedSubmit,
  options: SubmitOptions = {},
): Promise<Submission> {
  const {choice, command, inputs, settings} = prepared
  const queue = await chooseQueue(batch, prepared.queue, choice)
  const spec = prepared.spec ?? buildJobSpec(settings, command, {...inputs, platform: queue.platform})
  const job = await submitJob(batch, buildRequests(spec, queue.queue), options)
  return {...job, defaultedQueue: queue.defaulted, platform: queue.platform, warnings: spec.warnings}
}

export interface WaitRequest {
  /** `--wait-timeout`, epoch ms. */
  deadline?: number
  /** `--follow`: log lines to the sink while waiting. */
  follow: boolean
  jobId: string
  signal?: AbortSignal
}

/** AWS may take a few seconds to list a job it has just accepted (eventual consistency). */
const NEW_JOB_GRACE_MS = 10_000

/**
 * `--wait` and `--follow`: the job's end as an exit code (DESIGN.md section 5), through the one DescribeJobs loop.
 * Following starts at attempt 1: a first attempt that failed before the first DescribeJobs is still printed.
 */
export async function waitForSubmitted(
  clients: Clients,
  request: WaitRequest,
  hooks: WatcherHooks,
  sink: LogSink,
): Promise<LogsOutcome | WatchOutcome> {
  const {deadline, jobId, signal} = request
  const watcher = createWatcher(clients.batch, [jobId], {graceMs: NEW_JOB_GRACE_MS, ...hooks})
  if (!request.follow) return watcher.run({deadline, signal})
  return readJobLogs({follow: true, from: 1, jobId}, {deadline, logs: clients.logs, signal, watcher}, sink)
}

/** `--kill-on-interrupt`: TerminateJob (which also cancels a job that has not started). */
export async function terminateSubmitted(batch: BatchApi, jobId: string): Promise<void> {
  try {
    await batch.terminateJob({jobId, reason: 'Interrupted: mfbatch submit --kill-on-interrupt'})
  } catch (error) {
    throw explainAwsError(error, `terminating job ${jobId}`)
  }
}
