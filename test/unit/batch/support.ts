import type {SettingName} from '../../../src/config/types'

import {buildJobSpec, type JobSpec, type JobSpecOptions} from '../../../src/batch/definition/job-spec'
import {type BatchRequests, buildRequests} from '../../../src/batch/definition/requests'
import {resolveSettings} from '../../../src/config/resolve'

export const COMMAND = ['python', 'train.py']
export const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
export const JOB_ROLE = 'arn:aws:iam::123456789012:role/s3access'

/** Settings as the real resolver gives them for these flags (labels `--cpu`, defaults from the catalog). */
export function settingsFor(flags: Partial<Record<SettingName, unknown>>, env: Record<string, string> = {}) {
  return resolveSettings({env, flags})
}

/** A spec for these flags (queue `q` and user `alice` unless given), EC2 unless `opts.platform` says otherwise. */
export function specFor(
  flags: Partial<Record<SettingName, unknown>>,
  opts: Partial<JobSpecOptions> = {},
  env: Record<string, string> = {},
  command: readonly string[] = COMMAND,
): JobSpec {
  return buildJobSpec(settingsFor({queue: 'q', user: 'alice', ...flags}, env), command, {platform: 'EC2', ...opts})
}

export function requestsFor(
  flags: Partial<Record<SettingName, unknown>>,
  opts: Partial<JobSpecOptions> = {},
  env: Record<string, string> = {},
): BatchRequests {
  return buildRequests(specFor(flags, opts, env))
}

/** The requests without the hashed definition name, which definition-name tests cover. */
export function withoutName(requests: BatchRequests) {
  const {jobDefinitionName, ...definition} = requests.registerJobDefinition
  const {jobDefinition, ...submit} = requests.submitJob
  expect(jobDefinition).toBe(jobDefinitionName)
  expect(jobDefinitionName).toMatch(/^mfbatch_[\da-f]{64}$/)
  return {definition, submit}
}

/** The message of the error `fn` throws, and its class name. */
export function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  }

  throw new Error('expected an error, got none')
}
