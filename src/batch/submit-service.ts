/**
 * `mfbatch submit` without --dry-run: settings -> checked job spec -> queue and platform from AWS -> the two
 * requests -> one job (submit-once.ts). Input is checked in two steps so that bad input costs no API call:
 * `prepareSubmit` (pure) rejects what is wrong on every platform; once the queue has told which platform it is,
 * the spec is built for that platform, which catches the rest (an EC2-only flag on a Fargate queue).
 */
import type {ResolvedSettings} from '../config/types'
import type {BatchApi} from './clients'
import type {SubmitInputs} from './dry-run'

import {buildJobSpec, type JobSpec, parsePlatformChoice, type Platform, type PlatformChoice} from './job-spec'
import {chooseQueue} from './platform'
import {buildRequests} from './requests'
import {submitJob, type SubmitOptions, type SubmittedJob} from './submit-once'

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
