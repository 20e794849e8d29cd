/**
 * The old job (DescribeJobs) + the changes (changes.ts) -> the requests of its rerun, pure. What the old job ran
 * with is kept: definition, queue, command, environment, resources, tags, retries, timeout, array size, node count,
 * scheduling priority and share; each change replaces its part. Dependencies are not kept: they have run.
 * A definition-level change (image, roles, shared memory) makes a new definition from the old one, named by its
 * content exactly as `submit` names its own (definition/name.ts), so an equal definition is reused, not duplicated.
 */
import type {
  ContainerDetail,
  ContainerOverrides,
  ContainerProperties,
  JobDefinition,
  JobDetail,
  KeyValuePair,
  RegisterJobDefinitionCommandInput,
  ResourceRequirement,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch'

import type {RerunChanges} from './changes'

import {InputError, invalid} from '../../errors'
import {definitionName} from '../definition/name'
import {ALL_NODES} from '../definition/node-ranges'
import {buildResources} from '../definition/resources'
import {nodeCountOf} from '../nodes/of-job'
import {WRAPPER_NAME} from '../nodes/rendezvous'
import {BOOTSTRAP_NAME} from '../package/bootstrap'
import {SUBMISSION_TAG} from '../submit/once'
import {INDEX_WRAPPER_NAME} from '../tasks/indices'
import {TASKS_WRAPPER_NAME} from '../tasks/wrapper'
import {changesDefinition} from './changes'

/** The tag naming the job a rerun reruns (the old job's id). `aws:` is AWS's; `mfbatch:` is ours. */
export const RERUN_TAG = 'mfbatch:rerun-of'
const MAX_TAGS = 50

export interface RerunRequests {
  /** Only when a definition-level setting changed; registered unless an ACTIVE one of that name exists. */
  registerJobDefinition?: RegisterJobDefinitionCommandInput
  submitJob: SubmitJobCommandInput
}

export interface OldJob {
  /** The old job's definition, needed only for a definition-level change. */
  definition?: JobDefinition
  job: JobDetail
  /** For a multi-node job: its main node's container (the parent has none of its own). */
  mainNode?: ContainerDetail
}

export function planRerun(old: OldJob, changes: RerunChanges): RerunRequests {
  const {job} = old
  const nodes = checkKind(job, changes)
  const registration = changesDefinition(changes) ? changedDefinition(old, changes) : undefined
  const overrides = containerOverrides(nodes === undefined ? job.container : old.mainNode, changes, platformOf(job))
  const submit: SubmitJobCommandInput = {
    jobDefinition: registration?.jobDefinitionName ?? job.jobDefinition,
    jobName: changes.name ?? job.jobName,
    jobQueue: changes.queue ?? job.jobQueue,
    ...jobControls(job, changes),
    tags: tags(job, changes),
  }
  if (nodes === undefined) submit.containerOverrides = overrides
  else {
    const nodePropertyOverrides = [{containerOverrides: overrides, targetNodes: ALL_NODES}]
    submit.nodeOverrides = {nodePropertyOverrides, numNodes: nodes}
  }

  return registration ? {registerJobDefinition: registration, submitJob: submit} : {submitJob: submit}
}

function platformOf(job: JobDetail): 'EC2' | 'FARGATE' {
  return job.platformCapabilities?.includes('FARGATE') ? 'FARGATE' : 'EC2'
}

/** The node count (undefined: not multi-node); changes that cannot apply to this kind of job are refused. */
function checkKind(job: JobDetail, changes: RerunChanges): number | undefined {
  if (job.arrayProperties?.index !== undefined) {
    throw new InputError(`job ${job.jobId} is a child of an array job; rerun the array job itself`)
  }

  const nodes = nodeCountOf(job)
  if (nodes !== undefined && changes.arraySize !== undefined) {
    const why = `job ${job.jobId} is a multi-node job (${nodes} nodes), and multi-node jobs cannot be array jobs`
    throw invalid('--array-size', String(changes.arraySize), why)
  }

  if (platformOf(job) === 'FARGATE' && changes.sharedMemory !== undefined) {
    throw invalid('--shared-memory', String(changes.sharedMemory), `EC2 only; job ${job.jobId} ran on Fargate`)
  }

  return nodes
}

function containerOverrides(
  container: ContainerDetail | undefined,
  changes: RerunChanges,
  platform: 'EC2' | 'FARGATE',
): ContainerOverrides {
  const command = container?.command ?? []
  const overrides: ContainerOverrides = {
    command: changes.command ? withUserCommand(command, changes.command) : [...command],
    resourceRequirements: resources(container, changes, platform),
  }
  const environment = mergedEnvironment(container?.environment ?? [], changes)
  if (environment.length > 0) overrides.environment = environment
  return overrides
}

/** Retries, timeout, array size and the rest SubmitJob takes besides the container: the old job's, or the changed. */
function jobControls(job: JobDetail, changes: RerunChanges): Partial<SubmitJobCommandInput> {
  const submit: Partial<SubmitJobCommandInput> = {}
  const retryStrategy =
    changes.attempts === undefined ? job.retryStrategy : {...job.retryStrategy, attempts: changes.attempts}
  if (retryStrategy) submit.retryStrategy = retryStrategy
  const timeout = changes.timeoutSeconds === undefined ? job.timeout : {attemptDurationSeconds: changes.timeoutSeconds}
  if (timeout) submit.timeout = timeout
  const arraySize = changes.arraySize ?? job.arrayProperties?.size
  if (arraySize !== undefined) submit.arrayProperties = {size: arraySize}
  if (job.propagateTags !== undefined) submit.propagateTags = job.propagateTags
  if (job.parameters && Object.keys(job.parameters).length > 0) submit.parameters = {...job.parameters}
  if (job.schedulingPriority !== undefined) submit.schedulingPriorityOverride = job.schedulingPriority
  if (job.shareIdentifier !== undefined) submit.shareIdentifier = job.shareIdentifier
  return submit
}

/**
 * The new command in the old one's place. A command mfbatch wrapped (the code package's bootstrap, a multi-node
 * job's rendezvous, a task table's or a rerun's array index wrapper: `sh -c SCRIPT NAME ARGV...`) keeps its wrappers, so only the user's own
 * ARGV is replaced.
 */
export function withUserCommand(old: readonly string[], command: readonly string[]): string[] {
  const wrappers = [WRAPPER_NAME, BOOTSTRAP_NAME, TASKS_WRAPPER_NAME, INDEX_WRAPPER_NAME]
  const wrapped = old[0] === 'sh' && old[1] === '-c' && wrappers.includes(old[3])
  return wrapped ? [...old.slice(0, 4), ...withUserCommand(old.slice(4), command)] : [...command]
}

/** The old variables (those AWS Batch sets itself left out) with the changed ones set over them, by name. */
function mergedEnvironment(old: readonly KeyValuePair[], changes: RerunChanges): Array<{name: string; value: string}> {
  const vars = new Map<string, string>()
  for (const {name, value} of old) if (name && !name.startsWith('AWS_BATCH')) vars.set(name, value ?? '')
  for (const {name, value} of changes.environment) vars.set(name, value)
  return [...vars].map(([name, value]) => ({name, value}))
}

/** VCPU, GPU (only when above 0), MEMORY, as submit sends them; checked as submit checks them (Fargate pairs). */
function resources(container: ContainerDetail | undefined, changes: RerunChanges, platform: 'EC2' | 'FARGATE') {
  const byType = new Map((container?.resourceRequirements ?? []).map((r) => [r.type, r.value]))
  const old = {
    cpu: byType.get('VCPU') ?? (container?.vcpus === undefined ? '1' : String(container.vcpus)),
    gpu: byType.get('GPU') ?? '0',
    memory: byType.get('MEMORY') ?? (container?.memory === undefined ? '4096' : String(container.memory)),
  }
  const sourced = (label: string, changed: number | string | undefined, was: string) => ({
    origin: {kind: 'flag' as const, label: changed === undefined ? `the job's ${label.slice(2)}` : label},
    value: changed === undefined ? was : String(changed),
  })
  const {resources: checked} = buildResources(
    {
      cpu: sourced('--cpu', changes.cpu, old.cpu),
      gpu: sourced('--gpu', changes.gpu, old.gpu),
      memory: sourced('--memory', changes.memory, old.memory),
    },
    platform,
  )
  const requirements: ResourceRequirement[] = [{type: 'VCPU', value: checked.vcpu}]
  if (checked.gpu > 0) requirements.push({type: 'GPU', value: String(checked.gpu)})
  requirements.push({type: 'MEMORY', value: String(checked.memory)})
  return requirements
}

/** The old tags, without the marks of earlier submits and reruns, the changed ones over them, and the rerun's mark. */
function tags(job: JobDetail, changes: RerunChanges): Record<string, string> {
  const kept = Object.entries(job.tags ?? {}).filter(
    ([key]) => !key.toLowerCase().startsWith('aws:') && key !== SUBMISSION_TAG && key !== RERUN_TAG,
  )
  const all = {...Object.fromEntries(kept), ...changes.tags, [RERUN_TAG]: job.jobId!}
  // One more is added at submit: the submission mark (submit/once.ts).
  if (Object.keys(all).length + 1 > MAX_TAGS) {
    throw new InputError(`--tag: the rerun would carry too many tags; AWS allows at most ${MAX_TAGS} tags on a job`)
  }

  return all
}

/** The members a definition is registered with (what AWS answers adds ARN, revision, status and empty defaults). */
function registrable(definition: JobDefinition): Omit<RegisterJobDefinitionCommandInput, 'jobDefinitionName'> {
  const input: Omit<RegisterJobDefinitionCommandInput, 'jobDefinitionName'> = {
    type: definition.type as RegisterJobDefinitionCommandInput['type'],
  }
  if (definition.containerProperties) input.containerProperties = compact(definition.containerProperties)
  if (definition.nodeProperties) {
    input.nodeProperties = {
      ...definition.nodeProperties,
      nodeRangeProperties: (definition.nodeProperties.nodeRangeProperties ?? []).map((range) => ({
        ...range,
        ...(range.container ? {container: compact(range.container)} : {}),
      })),
    }
  }

  if (definition.platformCapabilities?.length) input.platformCapabilities = [...definition.platformCapabilities]
  if (definition.propagateTags !== undefined) input.propagateTags = definition.propagateTags
  for (const key of ['parameters', 'retryStrategy', 'timeout', 'tags'] as const) {
    const value = definition[key]
    if (value && Object.keys(value).length > 0) Object.assign(input, {[key]: value})
  }

  if (definition.schedulingPriority !== undefined) input.schedulingPriority = definition.schedulingPriority
  return input
}

/** Container properties without the empty lists and objects AWS fills in, so the content hash is submit's. */
function compact(properties: ContainerProperties): ContainerProperties {
  const kept = Object.entries(properties).filter(([, value]) => {
    if (value === undefined || value === null) return false
    if (Array.isArray(value)) return value.length > 0
    return typeof value !== 'object' || Object.keys(value as object).length > 0
  })
  return Object.fromEntries(kept) as ContainerProperties
}

function changedContainer(container: ContainerProperties, changes: RerunChanges): ContainerProperties {
  const changed = {...container}
  if (changes.image !== undefined) changed.image = changes.image
  if (changes.jobRoleArn !== undefined) changed.jobRoleArn = changes.jobRoleArn
  if (changes.executionRoleArn !== undefined) changed.executionRoleArn = changes.executionRoleArn
  if (changes.sharedMemory !== undefined) {
    changed.linuxParameters = {...changed.linuxParameters, sharedMemorySize: changes.sharedMemory}
  }

  return changed
}

function changedDefinition(old: OldJob, changes: RerunChanges): RegisterJobDefinitionCommandInput {
  if (!old.definition) throw new Error(`the job definition of job ${old.job.jobId} is needed for this change`)
  const input = registrable(old.definition)
  if (input.containerProperties) input.containerProperties = changedContainer(input.containerProperties, changes)
  if (input.nodeProperties) {
    input.nodeProperties.nodeRangeProperties = input.nodeProperties.nodeRangeProperties!.map((range) =>
      range.container ? {...range, container: changedContainer(range.container, changes)} : range,
    )
  }

  return {jobDefinitionName: definitionName(input), ...input}
}
