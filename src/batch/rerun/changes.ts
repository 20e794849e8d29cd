/**
 * `rerun`'s flags -> the changes to make to the old job, each checked before any API call with the same rules as
 * `submit` (resources, tags, environment, roles, timeout, retries, array size, names), so a bad value exits 2.
 * Checks that need the old job (Fargate pairs, a multi-node job given --array-size) come later, in plan.ts.
 */
import type {Sourced} from '../../config/types'
import type {NameValue} from '../definition/environment'

import {invalid} from '../../errors'
import {roleArn} from '../definition/container'
import {buildEnvironment} from '../definition/environment'
import {buildTimeout} from '../definition/job'
import {QUEUE, QUEUE_ALLOWED} from '../definition/job-spec'
import {shortestDecimal} from '../definition/resources'
import {buildTags} from '../definition/tags'
import {JOB_NAME} from '../parse/job-name'
import {size} from '../parse/memory-size'
import {integer, positiveDecimal, text} from '../parse/values'

export interface RerunFlagValues {
  'array-size'?: string
  cpu?: string
  env?: string[]
  'execution-role'?: string
  gpu?: string
  'iam-role'?: string
  image?: string
  memory?: string
  name?: string
  queue?: string
  retries?: string
  'shared-memory'?: string
  tag?: string[]
  timeout?: string
}

/** What differs from the old job; anything absent is taken from it. */
export interface RerunChanges {
  arraySize?: number
  /** retries + 1, as AWS counts attempts. */
  attempts?: number
  command?: string[]
  /** The shortest decimal text, as submit sends it. */
  cpu?: string
  /** Set over the old job's variables, by name. */
  environment: NameValue[]
  executionRoleArn?: string
  gpu?: number
  image?: string
  jobRoleArn?: string
  /** MiB. */
  memory?: number
  name?: string
  queue?: string
  sharedMemory?: number
  tags: Record<string, string>
  timeoutSeconds?: number
}

/** A flag's value as a sourced one; '' is refused, where the readers would take it for "not given". */
function flag(label: string, value: string | string[] | undefined): Sourced | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value.trim() === '') throw invalid(label, value, 'give a value')
  return {origin: {kind: 'flag', label}, value}
}

/** The definition-level changes: any of them means a definition other than the old job's. */
export function changesDefinition(changes: RerunChanges): boolean {
  const {executionRoleArn, image, jobRoleArn, sharedMemory} = changes
  return [executionRoleArn, image, jobRoleArn, sharedMemory].some((value) => value !== undefined)
}

export function parseRerunChanges(flags: RerunFlagValues, command: readonly string[]): RerunChanges {
  const cpu = positiveDecimal(flag('--cpu', flags.cpu), 'use a number greater than 0 (fractions like 0.25 are fine)')
  const retries = integer(flag('--retries', flags.retries), {max: 9, min: 0}, 'use a whole number from 0 to 9')
  const timeout = flag('--timeout', flags.timeout)
  const changes: RerunChanges = {
    arraySize: integer(
      flag('--array-size', flags['array-size']),
      {max: 10_000, min: 2},
      'use a whole number from 2 to 10000',
    ),
    attempts: retries === undefined ? undefined : retries + 1,
    command: command.length > 0 ? [...command] : undefined,
    cpu: cpu === undefined ? undefined : shortestDecimal(cpu),
    environment: buildEnvironment(flag('--env', flags.env), undefined, undefined, () => ''),
    executionRoleArn: roleArn(flag('--execution-role', flags['execution-role'])),
    gpu: integer(flag('--gpu', flags.gpu), {min: 0}, 'use a whole number, 0 or more'),
    image: nonEmpty(flag('--image', flags.image), 'use an image such as python:3.12 or REGISTRY/NAME:TAG'),
    jobRoleArn: roleArn(flag('--iam-role', flags['iam-role'])),
    memory: size(flag('--memory', flags.memory), 'MiB', {min: 1})?.value,
    name: matching(
      flag('--name', flags.name),
      JOB_NAME,
      'use up to 128 letters, digits, - and _, starting with a letter or digit',
    ),
    queue: matching(flag('--queue', flags.queue), QUEUE, QUEUE_ALLOWED),
    sharedMemory: size(flag('--shared-memory', flags['shared-memory']), 'MiB', {min: 1})?.value,
    tags: buildTags(undefined, flag('--tag', flags.tag)),
    timeoutSeconds: timeout === undefined ? undefined : buildTimeout(timeout),
  }
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as unknown as RerunChanges
}

function nonEmpty(s: Sourced | undefined, allowed: string): string | undefined {
  if (s === undefined) return undefined
  const value = text(s, allowed)!.trim()
  if (!value || /\s/.test(value)) throw invalid(s.origin.label, s.value, allowed)
  return value
}

function matching(s: Sourced | undefined, pattern: RegExp, allowed: string): string | undefined {
  if (s === undefined) return undefined
  const value = text(s, allowed)!
  if (!pattern.test(value)) throw invalid(s.origin.label, s.value, allowed)
  return value
}
