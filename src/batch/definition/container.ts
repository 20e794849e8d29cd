/**
 * What the job definition carries besides linuxParameters: image, roles, volumes, logging, privileged mode and
 * Fargate's ephemeral storage. None of it can be overridden at submit time.
 */
import type {Sourced} from '../../config/types'

import {invalid} from '../../errors'
import {withRegistry} from '../parse/image'
import {size} from '../parse/memory-size'
import {boolean, keyValues, requiredText, stringList, text} from '../parse/values'
import {parseEfsVolume, parseHostVolume, type Volume} from '../parse/volumes'
import {describeChoices} from './fargate'
import {ec2Only, fargateOnly, type Platform, required} from './platform'

export interface LogConfiguration {
  logDriver: string
  options: Record<string, string>
}

export interface Container {
  /** GiB; Fargate only. */
  ephemeralStorage?: number
  executionRoleArn?: string
  image: string
  jobRoleArn?: string
  logConfiguration?: LogConfiguration
  privileged: boolean
  volumes: Volume[]
}

export interface ContainerSettings {
  efsVolumes?: Sourced
  ephemeralStorage?: Sourced
  executionRole?: Sourced
  hostVolumes?: Sourced
  iamRole?: Sourced
  image?: Sourced
  logDriver?: Sourced
  logOptions?: Sourced
  privileged?: Sourced
  registry?: Sourced
}

export const DEFAULT_IMAGE = 'python:3.11'

const NO_SPACE = /^\S+$/
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
const ROLE_ALLOWED = 'use an IAM role ARN like arn:aws:iam::123456789012:role/name'
const LOG_DRIVERS = ['awsfirelens', 'awslogs', 'fluentd', 'gelf', 'journald', 'json-file', 'splunk', 'syslog']
const FARGATE_LOG_DRIVERS = ['awslogs', 'splunk']

/** `needsExecutionRole`: secrets are fetched with the task execution role, on EC2 as on Fargate. */
export function buildContainer(s: ContainerSettings, platform: Platform, needsExecutionRole: boolean): Container {
  const container: Container = {image: buildImage(s), privileged: false, volumes: buildVolumes(s, platform)}
  const jobRoleArn = roleArn(s.iamRole)
  if (jobRoleArn) container.jobRoleArn = jobRoleArn
  const executionRoleArn = roleArn(s.executionRole)
  if (platform === 'FARGATE' || needsExecutionRole) {
    if (!executionRoleArn) {
      const why = platform === 'FARGATE' ? 'Fargate jobs' : 'jobs with --secret'
      throw required(`--execution-role (METAFLOW_ECS_FARGATE_EXECUTION_ROLE)`, `${why} need a task execution role ARN`)
    }

    container.executionRoleArn = executionRoleArn
  }

  const logConfiguration = buildLogConfiguration(s, platform)
  if (logConfiguration) container.logConfiguration = logConfiguration
  if (boolean(s.privileged)) {
    ec2Only(s.privileged!, platform)
    container.privileged = true
  }

  const ephemeralStorage = size(s.ephemeralStorage, 'GiB', {max: 200, min: 21})?.value
  if (ephemeralStorage !== undefined) {
    fargateOnly(s.ephemeralStorage!, platform, 'EC2 instances bring their own disks')
    container.ephemeralStorage = ephemeralStorage
  }

  return container
}

function buildImage(s: ContainerSettings): string {
  const allowed = 'use an image reference like python:3.11 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1'
  const image = requiredText(s.image, allowed) ?? DEFAULT_IMAGE
  if (!NO_SPACE.test(image)) throw invalid(s.image!.origin.label, s.image!.value, allowed)
  const registryAllowed = 'use a registry host like 123456789012.dkr.ecr.us-east-1.amazonaws.com'
  const registry = text(s.registry, registryAllowed)
  if (registry !== undefined && !NO_SPACE.test(registry)) {
    throw invalid(s.registry!.origin.label, s.registry!.value, registryAllowed)
  }

  return withRegistry(image, registry)
}

/** An IAM role ARN (`--iam-role`, `--execution-role`), checked; undefined when not set. */
export function roleArn(s: Sourced | undefined): string | undefined {
  const arn = text(s, ROLE_ALLOWED)?.trim()
  if (arn !== undefined && !ROLE_ARN.test(arn)) throw invalid(s!.origin.label, s!.value, ROLE_ALLOWED)
  return arn || undefined
}

function buildVolumes(s: ContainerSettings, platform: Platform): Volume[] {
  const volumes: Volume[] = []
  const hostAllowed = 'use /absolute/host/path or /host/path:/container/path'
  for (const raw of stringList(s.hostVolumes, hostAllowed)) {
    const volume = parseHostVolume(raw)
    if (!volume) throw invalid(s.hostVolumes!.origin.label, raw, hostAllowed)
    ec2Only({origin: s.hostVolumes!.origin, value: raw}, platform)
    volumes.push(volume)
  }

  const efsAllowed = 'use an EFS file system id like fs-0123abcd, optionally with :/container/path'
  for (const raw of stringList(s.efsVolumes, efsAllowed)) {
    const volume = parseEfsVolume(raw)
    if (!volume) throw invalid(s.efsVolumes!.origin.label, raw, efsAllowed)
    volumes.push(volume)
  }

  const seen = new Set<string>()
  for (const volume of volumes) {
    if (seen.has(volume.name)) {
      const source = volume.kind === 'host' ? s.hostVolumes! : s.efsVolumes!
      const what = volume.kind === 'host' ? volume.sourcePath : volume.fileSystemId
      throw invalid(source.origin.label, what, 'mount each volume once')
    }

    seen.add(volume.name)
  }

  return volumes
}

function buildLogConfiguration(s: ContainerSettings, platform: Platform): LogConfiguration | undefined {
  const drivers = platform === 'FARGATE' ? FARGATE_LOG_DRIVERS : LOG_DRIVERS
  const driverAllowed = `use ${describeChoices(drivers)}${platform === 'FARGATE' ? ' (the drivers Fargate supports)' : ''}`
  const driver = text(s.logDriver, driverAllowed)
  if (driver !== undefined && !drivers.includes(driver)) {
    throw invalid(s.logDriver!.origin.label, s.logDriver!.value, driverAllowed)
  }

  const options = keyValues(s.logOptions, ':', 'use KEY:VALUE, e.g. awslogs-group:/my/jobs')
  if (driver === undefined && options.length === 0) return undefined
  // Options without a driver mean Batch's own driver, awslogs: `--log-option awslogs-group:/team/jobs` just works.
  return {logDriver: driver ?? 'awslogs', options: Object.fromEntries(options)}
}
