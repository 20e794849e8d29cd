import type {ConsumableResourceRequirement, EvaluateOnExit} from '@aws-sdk/client-batch'

/**
 * `@batch` parameters -> a validated JobSpec (DESIGN.md section 3). Pure: every value arrives raw with its origin,
 * is checked here whatever its source (flag, environment, config file), and a bad one throws an InputError naming
 * the source, the value and what is allowed. Nothing is printed: warnings are returned in the spec.
 */
import {readFileSync} from 'node:fs'

import type {ResolvedSettings, Sourced} from '../../config/types'
import type {NodeOptions} from '../nodes/options'
import type {Dependency} from '../parse/depends-on'
import type {Volume} from '../parse/volumes'
import type {Platform} from './platform'

import {InputError, invalid} from '../../errors'
import {buildNodeOptions} from '../nodes/options'
import {text} from '../parse/values'
import {buildContainer, type LogConfiguration} from './container'
import {buildEnvironment, buildSecrets, type EnvFileReader, type NameValue, type Secret} from './environment'
import {buildJobControls} from './job'
import {buildLinuxParameters, type LinuxParameters} from './linux'
import {buildResources, type Resources} from './resources'
import {buildTags} from './tags'

export type {Dependency} from '../parse/depends-on'
export type {Volume} from '../parse/volumes'
export type {LogConfiguration} from './container'
export type {NameValue, Secret} from './environment'
export type {Device, LinuxParameters, Tmpfs} from './linux'
export type {Platform, PlatformChoice} from './platform'
export {parsePlatformChoice} from './platform'
export type {Resources} from './resources'

export interface JobSpec {
  arraySize?: number
  /** retries + 1. */
  attempts: number
  command: string[]
  /** `--consumable`: consumable resources the job holds while it runs. */
  consumables?: ConsumableResourceRequirement[]
  dependsOn: Dependency[]
  /** In order; later duplicates already folded in. Includes METAFLOW_TEMPDIR when tmpfs is the temp dir. */
  environment: NameValue[]
  /** GiB; Fargate only. */
  ephemeralStorage?: number
  /** `--retry-on` as Batch's rules; undefined: every failure is retried. */
  evaluateOnExit?: EvaluateOnExit[]
  /** Set on Fargate (required there) and on EC2 when secrets need it. */
  executionRoleArn?: string
  image: string
  jobRoleArn?: string
  /** Empty object members are left out; `devices` may be empty. */
  linuxParameters: LinuxParameters
  logConfiguration?: LogConfiguration
  name: string
  /** A multi-node parallel job (`--nodes`); undefined for a single-node job. */
  nodes?: NodeOptions
  platform: Platform
  privileged: boolean
  /** undefined: the queue is looked up later (the first ENABLED and VALID one). */
  queue?: string
  resources: Resources
  secrets: Secret[]
  /** Default tags merged with --tag; may be empty. */
  tags: Record<string, string>
  timeoutSeconds: number
  volumes: Volume[]
  /** One line each, for stderr: settings that are valid but do nothing. */
  warnings: string[]
}

/** Settings that only the submit command has (no environment variable, no config key). */
export interface JobSpecOptions {
  consumables?: Sourced
  dependsOn?: Sourced
  envFileReader?: EnvFileReader
  envFiles?: Sourced
  /** `--main-port`: MASTER_PORT of a multi-node job. */
  mainPort?: Sourced
  name?: Sourced
  /** `--nodes`: 2..1000 makes a multi-node parallel job. */
  nodes?: Sourced
  platform: Platform
  /** `--retry-on`: which failures `--retries` retries. */
  retryOn?: Sourced
}

/** A job queue's name or ARN, as AWS allows them. */
export const QUEUE = /^([\w-]{1,128}|arn:aws[\w-]*:batch:[\w-]+:\d{12}:job-queue\/[\w-]{1,128})$/
export const QUEUE_ALLOWED = 'use a job queue name or ARN'

export function buildJobSpec(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  opts: JobSpecOptions,
): JobSpec {
  const {platform} = opts
  if (command.length === 0) throw new InputError('a command is required after --, e.g. -- python train.py')
  const empty = command.indexOf('')
  if (empty !== -1) throw new InputError(`command: argument ${empty + 1} is empty; AWS Batch rejects empty arguments`)
  const queue = buildQueue(settings.queue)
  // Before the platform's own rules: on Fargate, --nodes is the setting to change (a missing execution role or an
  // EC2-only flag would be the next error after the user fixed that one, for nothing).
  const nodes = buildNodeOptions({arraySize: settings.arraySize, mainPort: opts.mainPort, nodes: opts.nodes}, platform)
  const {resources, warnings} = buildResources(settings, platform)
  const linux = buildLinuxParameters(settings, platform, resources.memory)
  const secrets = buildSecrets(settings.secrets)
  const container = buildContainer(settings, platform, secrets.length > 0)
  const environment = buildEnvironment(
    settings.env,
    opts.envFiles,
    linux.tempdir,
    opts.envFileReader ?? ((path) => readFileSync(path, 'utf8')),
  )
  const tags = buildTags(settings.defaultTags, settings.tags)
  const job = buildJobControls(
    {...settings, consumables: opts.consumables, dependsOn: opts.dependsOn, name: opts.name, retryOn: opts.retryOn},
    command,
  )
  const spec: JobSpec = {
    ...job,
    ...container,
    command: [...command],
    environment,
    linuxParameters: linux.linuxParameters,
    platform,
    resources,
    secrets,
    tags,
    warnings: [...warnings, ...linux.warnings],
  }
  if (queue !== undefined) spec.queue = queue
  if (nodes) spec.nodes = nodes
  return spec
}

function buildQueue(s: Sourced | undefined): string | undefined {
  const queue = text(s, QUEUE_ALLOWED)?.trim()
  if (queue !== undefined && !QUEUE.test(queue)) throw invalid(s!.origin.label, s!.value, QUEUE_ALLOWED)
  return queue || undefined
}
