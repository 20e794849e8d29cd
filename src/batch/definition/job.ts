import type {ConsumableResourceRequirement, EvaluateOnExit} from '@aws-sdk/client-batch'

/**
 * Job-level controls that live on SubmitJob: name, retries, timeout, array size, dependencies.
 */
import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'
import {type Dependency, parseDependency} from '../parse/depends-on'
import {parseDuration} from '../parse/duration'
import {defaultJobName, JOB_NAME} from '../parse/job-name'
import {integer, requiredText, stringList, text} from '../parse/values'
import {buildConsumables} from '../submit/consumables'
import {buildRetryOn} from '../submit/retry-on'

export interface JobControls {
  arraySize?: number
  /** retries + 1: AWS counts the first run as an attempt. */
  attempts: number
  /** `--consumable`: the consumable resources the job holds while it runs. */
  consumables?: ConsumableResourceRequirement[]
  dependsOn: Dependency[]
  /** `--retry-on`: which failures are retried; undefined retries every failure. */
  evaluateOnExit?: EvaluateOnExit[]
  name: string
  /** attemptDurationSeconds; measured per attempt (per child for array jobs). */
  timeoutSeconds: number
}

export interface JobSettings {
  arraySize?: Sourced
  consumables?: Sourced
  dependsOn?: Sourced
  name?: Sourced
  retries?: Sourced
  retryOn?: Sourced
  timeout?: Sourced
  user?: Sourced
}

/** Five days: Metaflow's METAFLOW_DEFAULT_RUNTIME_LIMIT. */
export const DEFAULT_TIMEOUT_SECONDS = 432_000
const MAX_DEPENDENCIES = 20

export function buildJobControls(s: JobSettings, command: readonly string[]): JobControls {
  const retries = integer(s.retries, {max: 9, min: 0}, 'use a whole number from 0 to 9') ?? 0
  const arraySize = integer(s.arraySize, {max: 10_000, min: 2}, 'use a whole number from 2 to 10000')
  const controls: JobControls = {
    attempts: retries + 1,
    dependsOn: buildDependencies(s.dependsOn, arraySize),
    name: buildName(s, command),
    timeoutSeconds: buildTimeout(s.timeout),
  }
  if (arraySize !== undefined) controls.arraySize = arraySize
  const evaluateOnExit = buildRetryOn(s.retryOn, controls.attempts)
  if (evaluateOnExit) controls.evaluateOnExit = evaluateOnExit
  const consumables = buildConsumables(s.consumables)
  if (consumables) controls.consumables = consumables
  return controls
}

/**
 * A wrapped command (`sh -c SCRIPT NAME ARGV...`: the code package's bootstrap, package/bootstrap.ts, or the task
 * table's wrapper, tasks/wrapper.ts, or both) is named by its ARGV.
 */
function userCommand(command: readonly string[]): readonly string[] {
  const wrapped = command[0] === 'sh' && command[1] === '-c' && /^mfbatch-(?:bootstrap|tasks)$/.test(command[3] ?? '')
  return wrapped ? userCommand(command.slice(4)) : command
}

function buildName(s: JobSettings, command: readonly string[]): string {
  const allowed = 'use up to 128 letters, digits, - and _, starting with a letter or digit'
  const name = requiredText(s.name, allowed)
  if (name === undefined) return defaultJobName(text(s.user, 'use a user name'), userCommand(command))
  if (!JOB_NAME.test(name)) throw invalid(s.name!.origin.label, s.name!.value, allowed)
  return name
}

export function buildTimeout(s: Sourced | undefined): number {
  const allowed = 'use seconds (at least 60) or a duration like 90m, 1h30m or 2d'
  const raw = text(s, allowed)
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS
  const seconds = parseDuration(raw)
  if (seconds === undefined || seconds < 60) throw invalid(s!.origin.label, s!.value, allowed)
  return seconds
}

function buildDependencies(s: Sourced | undefined, arraySize: number | undefined): Dependency[] {
  const allowed = 'use a job id, optionally with :N_TO_N or :SEQUENTIAL'
  const items = stringList(s, allowed)
  if (items.length > MAX_DEPENDENCIES) {
    throw new InputError(`${s!.origin.label}: ${items.length} dependencies is too many; AWS allows at most 20`)
  }

  return items.map((raw) => {
    const dependency = parseDependency(raw)
    if (!dependency) throw invalid(s!.origin.label, raw, allowed)
    if (dependency.type && arraySize === undefined) {
      throw invalid(s!.origin.label, raw, `${dependency.type} dependencies are for array jobs; add --array-size`)
    }

    return dependency
  })
}
