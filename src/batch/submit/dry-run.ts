/**
 * `submit --dry-run`: the exact RegisterJobDefinition and SubmitJob inputs a submit would send, with no AWS call.
 * Where a real submit would ask AWS (which queue, which platform) a dry run needs to be told, or assumes EC2.
 */
import type {ResolvedSettings, Sourced} from '../../config/types'

import {InputError} from '../../errors'
import {type EnvFileReader} from '../definition/environment'
import {buildJobSpec} from '../definition/job-spec'
import {parsePlatformChoice} from '../definition/platform'
import {type BatchRequests, buildRequests} from '../definition/requests'

/** Submit's own inputs: flags with no environment variable or config key. */
export interface SubmitInputs {
  consumables?: Sourced
  dependsOn?: Sourced
  envFiles?: Sourced
  mainPort?: Sourced
  name?: Sourced
  nodes?: Sourced
  retryOn?: Sourced
}

export interface DryRunPlan {
  /** Informational lines for stderr (what was assumed). */
  notices: string[]
  requests: BatchRequests
  /** Settings that are valid but do nothing, for stderr. */
  warnings: string[]
}

export function planDryRun(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  inputs: SubmitInputs,
  envFileReader?: EnvFileReader,
): DryRunPlan {
  const choice = parsePlatformChoice(settings.platform)
  const notices: string[] = []
  if (choice === 'auto') {
    notices.push(
      '--platform auto: a dry run makes no AWS call, so it assumes ec2 (pass --platform fargate for Fargate)',
    )
  }

  const platform = choice === 'auto' ? 'EC2' : choice
  const spec = buildJobSpec(settings, command, {...inputs, envFileReader, platform})
  if (!spec.queue) {
    throw new InputError(
      '--queue is required for a dry run (it cannot look up the default queue); set --queue or METAFLOW_BATCH_JOB_QUEUE',
    )
  }

  return {notices, requests: buildRequests(spec), warnings: spec.warnings}
}
