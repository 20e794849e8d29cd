/**
 * SubmitJob: checks the request the way AWS does, fixes the job's spec (definition + overrides + parameters),
 * and records the job (and its array children) as SUBMITTED. The engine takes it from there.
 */
import {randomUUID} from 'node:crypto'

import {batchArn} from '../arn'
import {BatchContext, Input} from '../context'
import {resolveNeeds} from '../control/consumable-resources'
import {resolveDefinition} from '../control/definitions'
import {findQueue, queueComputeEnvironments} from '../control/queues'
import {JOB_NAME_PATTERN, platformMismatch, queueNotFound} from '../reasons'
import {
  ContainerOverrides,
  JobDependency,
  JobQueueRecord,
  JobRecord,
  JobSpec,
  JobTimeout,
  RetryStrategy,
  Tags,
} from '../types'
import {applyOverrides, checkResourceRequirements, resourcesOf} from './spec'
import {checkDependencies, checkRetryAndTimeout, clientError} from './submit-checks'
import {submitMultiNode} from './submit-nodes'

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/** EC2 or FARGATE: what the queue's first compute environment provides. */
export function queuePlatform(ctx: BatchContext, queue: JobQueueRecord): 'EC2' | 'FARGATE' {
  const type = queueComputeEnvironments(ctx, queue)[0]?.computeResources?.type
  return type === 'FARGATE' || type === 'FARGATE_SPOT' ? 'FARGATE' : 'EC2'
}

/** The concrete jobs array child `index` waits on. */
export function childDependencies(parentId: string, deps: JobDependency[], index: number): JobDependency[] {
  const out: JobDependency[] = []
  for (const dep of deps) {
    if (dep.jobId === undefined) {
      if (index > 0) out.push({jobId: `${parentId}:${index - 1}`, type: 'SEQUENTIAL'})
    } else if (dep.type === 'N_TO_N') {
      out.push({jobId: `${dep.jobId}:${index}`, type: 'N_TO_N'})
    } else {
      out.push({jobId: dep.jobId})
    }
  }

  return out
}

/** The queue and definition a submit names, refused as Batch refuses them (unknown, disabled, another platform). */
function targetOf(ctx: BatchContext, input: Input) {
  const queue = findQueue(ctx, input.jobQueue as string)
  if (!queue) throw clientError(queueNotFound(input.jobQueue as string))
  if (queue.state !== 'ENABLED') throw clientError(`Job queue ${queue.jobQueueName} is DISABLED and takes no new jobs.`)
  const definition = resolveDefinition(ctx, input.jobDefinition as string)
  const platform = definition.platformCapabilities.includes('FARGATE') ? 'FARGATE' : 'EC2'
  if (queuePlatform(ctx, queue) !== platform) throw clientError(platformMismatch(platform))
  return {definition, queue}
}

export function submitJob(ctx: BatchContext, input: Input): unknown {
  const jobName = input.jobName as string
  if (!JOB_NAME.test(jobName)) throw clientError(JOB_NAME_PATTERN)
  const {definition, queue} = targetOf(ctx, input)

  if (definition.type === 'multinode') return submitMultiNode(ctx, input, definition, queue)
  const arraySize = (input.arrayProperties as undefined | {size?: number})?.size
  if (arraySize !== undefined && (arraySize < 2 || arraySize > 10_000)) {
    throw clientError('arrayProperties size must be between 2 and 10000.')
  }

  const dependsOn = (input.dependsOn as JobDependency[] | undefined) ?? []
  checkDependencies(ctx, dependsOn, arraySize)
  const retryStrategy = (input.retryStrategy as RetryStrategy | undefined) ?? definition.retryStrategy
  const timeout = (input.timeout as JobTimeout | undefined) ?? definition.timeout
  checkRetryAndTimeout(retryStrategy, timeout)

  const overrides = input.containerOverrides as ContainerOverrides | undefined
  checkResourceRequirements(overrides?.resourceRequirements)
  const parameters = {...definition.parameters, ...(input.parameters as Record<string, string> | undefined)}
  const container = applyOverrides(definition.containerProperties ?? {}, overrides, parameters)
  const consumables = resolveNeeds(
    ctx,
    (
      (input.consumableResourcePropertiesOverride ?? definition.consumableResourceProperties) as
        undefined | {consumableResourceList?: unknown}
    )?.consumableResourceList,
  )
  const spec: JobSpec = {
    ...(consumables ? {consumables} : {}),
    container,
    jobDefinitionArn: definition.jobDefinitionArn,
    jobDefinitionName: definition.jobDefinitionName,
    jobName,
    jobQueueArn: queue.jobQueueArn,
    jobQueueName: queue.jobQueueName,
    parameters,
    platformCapabilities: definition.platformCapabilities,
    propagateTags: (input.propagateTags as boolean | undefined) ?? definition.propagateTags,
    resources: resourcesOf(container),
    retryStrategy,
    timeout,
  }

  const jobId = randomUUID()
  const now = ctx.now()
  const job: JobRecord = {
    arraySize,
    attempts: [],
    createdAt: now,
    dependsOn: arraySize === undefined ? dependsOn.filter((d) => d.jobId !== undefined) : dependsOn,
    jobArn: batchArn(ctx.id, 'job', jobId),
    jobId,
    seq: ctx.store.nextSeq(),
    spec,
    status: 'SUBMITTED',
    tags: (input.tags as Tags | undefined) ?? {},
  }
  ctx.store.addJob(job)
  for (let index = 0; index < (arraySize ?? 0); index++) {
    const childId = `${jobId}:${index}`
    ctx.store.addJob({
      arrayIndex: index,
      attempts: [],
      createdAt: now,
      dependsOn: childDependencies(jobId, dependsOn, index),
      jobArn: batchArn(ctx.id, 'job', childId),
      jobId: childId,
      parentId: jobId,
      seq: ctx.store.nextSeq(),
      status: 'SUBMITTED',
      tags: {},
    })
  }

  // The job is on disk before its id is handed out.
  ctx.store.flush()
  return {jobArn: job.jobArn, jobId, jobName}
}
