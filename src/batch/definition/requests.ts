/**
 * JobSpec -> the two AWS Batch requests, pure. Like Metaflow, the job definition holds only what SubmitJob cannot
 * override (image, roles, linuxParameters, volumes, logging, privileged, secrets, platform) with placeholder
 * resources and command; the real command, environment and resources travel in containerOverrides. So runs that
 * differ only in those, or in name, tags, queue, retries, timeout, array size or dependencies, share one definition.
 */
import type {
  Volume as BatchVolume,
  ContainerOverrides,
  ContainerProperties,
  RegisterJobDefinitionCommandInput,
  ResourceRequirement,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch'

import type {JobSpec} from './job-spec'

import {InputError} from '../../errors'
import {definitionName} from './name'
import {multiNodeDefinition, multiNodeSubmit} from './node-ranges'

export interface BatchRequests {
  registerJobDefinition: RegisterJobDefinitionCommandInput
  submitJob: SubmitJobCommandInput
}

/**
 * 1 vCPU / 4096 MiB: Metaflow's placeholder, and also a valid Fargate pair (1 vCPU takes 2048 to 8192 MiB), so
 * RegisterJobDefinition accepts it on both platforms and the placeholder does not split definitions by platform.
 */
export const PLACEHOLDER_RESOURCES: ResourceRequirement[] = [
  {type: 'VCPU', value: '1'},
  {type: 'MEMORY', value: '4096'},
]

/** Never run: every submit overrides it. Says so if someone runs the definition by hand. */
export const PLACEHOLDER_COMMAND = ['echo', 'mfbatch job definition: the command comes with each submit']

/** `queue`: the queue found at run time when the spec names none. */
export function buildRequests(spec: JobSpec, queue: string | undefined = spec.queue): BatchRequests {
  if (!queue) throw new InputError('--queue is required here; name a job queue or set METAFLOW_BATCH_JOB_QUEUE')
  const single = buildDefinition(spec)
  // A multi-node job: the same content, spread over node ranges (node-ranges.ts); named by that content.
  const definition = spec.nodes ? multiNodeDefinition(single, spec.nodes) : single
  const jobDefinitionName = definitionName(definition)
  const submit = buildSubmit(spec, queue, jobDefinitionName)
  return {
    registerJobDefinition: {jobDefinitionName, ...definition},
    submitJob: spec.nodes ? multiNodeSubmit(submit, spec.nodes) : submit,
  }
}

function buildDefinition(spec: JobSpec): Omit<RegisterJobDefinitionCommandInput, 'jobDefinitionName'> {
  const properties: ContainerProperties = {
    command: [...PLACEHOLDER_COMMAND],
    image: spec.image,
    resourceRequirements: PLACEHOLDER_RESOURCES.map((r) => ({...r})),
  }
  if (spec.jobRoleArn) properties.jobRoleArn = spec.jobRoleArn
  if (spec.executionRoleArn) properties.executionRoleArn = spec.executionRoleArn
  const linux = buildLinuxParameters(spec)
  if (linux) properties.linuxParameters = linux
  if (spec.volumes.length > 0) {
    properties.volumes = spec.volumes.map((volume): BatchVolume =>
      volume.kind === 'host'
        ? {host: {sourcePath: volume.sourcePath}, name: volume.name}
        : {
            efsVolumeConfiguration: {fileSystemId: volume.fileSystemId, transitEncryption: 'ENABLED'},
            name: volume.name,
          },
    )
    properties.mountPoints = spec.volumes.map((v) => ({containerPath: v.containerPath, sourceVolume: v.name}))
  }

  if (spec.logConfiguration) {
    const {logDriver, options} = spec.logConfiguration
    properties.logConfiguration = {
      logDriver: logDriver as NonNullable<ContainerProperties['logConfiguration']>['logDriver'],
      ...(Object.keys(options).length > 0 ? {options} : {}),
    }
  }

  if (spec.privileged) properties.privileged = true
  if (spec.secrets.length > 0) properties.secrets = spec.secrets.map(({name, valueFrom}) => ({name, valueFrom}))
  if (spec.platform === 'FARGATE') {
    if (spec.ephemeralStorage !== undefined) properties.ephemeralStorage = {sizeInGiB: spec.ephemeralStorage}
    // Without a public IP a task in a public subnet cannot pull its image (Metaflow does the same). The platform
    // version is left to AWS's default, LATEST, which also is what EFS volumes need (1.4.0 or later).
    properties.networkConfiguration = {assignPublicIp: 'ENABLED'}
  }

  return {
    containerProperties: properties,
    platformCapabilities: [spec.platform],
    // Job tags reach the ECS task, so cost reports see them.
    propagateTags: true,
    type: 'container',
  }
}

function buildLinuxParameters(spec: JobSpec): ContainerProperties['linuxParameters'] {
  const {devices, maxSwap, sharedMemorySize, swappiness, tmpfs} = spec.linuxParameters
  const linux: NonNullable<ContainerProperties['linuxParameters']> = {}
  if (sharedMemorySize !== undefined) linux.sharedMemorySize = sharedMemorySize
  if (maxSwap !== undefined) linux.maxSwap = maxSwap
  if (swappiness !== undefined) linux.swappiness = swappiness
  if (tmpfs) linux.tmpfs = [{containerPath: tmpfs.containerPath, mountOptions: tmpfs.mountOptions, size: tmpfs.size}]
  if (devices.length > 0) {
    linux.devices = devices.map((d) => ({
      containerPath: d.containerPath,
      hostPath: d.hostPath,
      permissions: d.permissions,
    }))
  }

  return Object.keys(linux).length > 0 ? linux : undefined
}

function buildSubmit(spec: JobSpec, queue: string, jobDefinition: string): SubmitJobCommandInput {
  const overrides: ContainerOverrides = {command: [...spec.command], resourceRequirements: resourceRequirements(spec)}
  if (spec.environment.length > 0) overrides.environment = spec.environment.map(({name, value}) => ({name, value}))
  const submit: SubmitJobCommandInput = {
    containerOverrides: overrides,
    jobDefinition,
    jobName: spec.name,
    jobQueue: queue,
    retryStrategy: spec.evaluateOnExit
      ? {attempts: spec.attempts, evaluateOnExit: spec.evaluateOnExit.map((rule) => ({...rule}))}
      : {attempts: spec.attempts},
    timeout: {attemptDurationSeconds: spec.timeoutSeconds},
  }
  if (spec.arraySize !== undefined) submit.arrayProperties = {size: spec.arraySize}
  if (spec.consumables) {
    submit.consumableResourcePropertiesOverride = {consumableResourceList: spec.consumables.map((c) => ({...c}))}
  }

  if (spec.dependsOn.length > 0) submit.dependsOn = spec.dependsOn.map((d) => ({...d}))
  // AWS rejects an empty tags map (at least one tag), so none means the member is left out.
  if (Object.keys(spec.tags).length > 0) submit.tags = {...spec.tags}
  return submit
}

/** VCPU, then GPU only when asked for, then MEMORY: the order Metaflow sends and tests pin. */
function resourceRequirements(spec: JobSpec): ResourceRequirement[] {
  const {gpu, memory, vcpu} = spec.resources
  return [
    {type: 'VCPU', value: vcpu},
    ...(gpu > 0 ? [{type: 'GPU' as const, value: String(gpu)}] : []),
    {type: 'MEMORY', value: String(memory)},
  ]
}
