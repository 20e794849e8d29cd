/**
 * SubmitJob: checks the request the way AWS does, fixes the job's spec (definition + overrides + parameters),
 * and records the job (and its array children) as SUBMITTED. The engine takes it from there.
 */
import {randomUUID} from 'node:crypto'

import {ApiError} from '../../contract'
import {batchArn} from '../arn'
import {BatchContext, Input} from '../context'
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

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/
const MAX_DEPENDENCIES = 20

const clientError = (message: string): ApiError => new ApiError('ClientException', message)

/** EC2 or FARGATE: what the queue's first compute environment provides. */
export function queuePlatform(ctx: BatchContext, queue: JobQueueRecord): 'EC2' | 'FARGATE' {
  const type = queueComputeEnvironments(ctx, queue)[0]?.computeResources?.type
  return type === 'FARGATE' || type === 'FARGATE_SPOT' ? 'FARGATE' : 'EC2'
}

function checkRetryAndTimeout(retry: RetryStrategy | undefined, timeout: JobTimeout | undefined): void {
  const attempts = retry?.attempts
  if (attempts !== undefined && (attempts < 1 || attempts > 10)) {
    throw clientError('retryStrategy attempts must be between 1 and 10.')
  }

  if ((retry?.evaluateOnExit?.length ?? 0) > 5)
    throw clientError('retryStrategy evaluateOnExit takes up to 5 conditions.')
  // AWS's minimum is 60 seconds. The emulator takes any positive duration, so tests of timeouts need not wait a minute.
  const seconds = timeout?.attemptDurationSeconds
  if (seconds !== undefined && seconds < 1) throw clientError('timeout attemptDurationSeconds must be at least 1.')
}

/** Checks dependencies exist and fit their type (N_TO_N between arrays of one size; SEQUENTIAL inside an array). */
function checkDependencies(ctx: BatchContext, deps: JobDependency[], arraySize: number | undefined): void {
  if (deps.length > MAX_DEPENDENCIES) throw clientError(`A job can depend on at most ${MAX_DEPENDENCIES} jobs.`)
  for (const dep of deps) {
    if (dep.jobId === undefined) {
      if (dep.type !== 'SEQUENTIAL' || arraySize === undefined) {
        throw clientError('A dependency without jobId must be of type SEQUENTIAL, in an array job.')
      }

      continue
    }

    const other = ctx.store.jobs.get(dep.jobId)
    if (!other) throw clientError(`Dependent job ${dep.jobId} does not exist.`)
    if (dep.type === 'N_TO_N' && (arraySize === undefined || other.arraySize !== arraySize)) {
      throw clientError('An N_TO_N dependency needs two array jobs of the same size.')
    }
  }
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

export function submitJob(ctx: BatchContext, input: Input): unknown {
  const jobName = input.jobName as string
  if (!JOB_NAME.test(jobName)) throw clientError(JOB_NAME_PATTERN)
  const queue = findQueue(ctx, input.jobQueue as string)
  if (!queue) throw clientError(queueNotFound(input.jobQueue as string))
  if (queue.state !== 'ENABLED') throw clientError(`Job queue ${queue.jobQueueName} is DISABLED and takes no new jobs.`)
  const definition = resolveDefinition(ctx, input.jobDefinition as string)
  const platform = definition.platformCapabilities.includes('FARGATE') ? 'FARGATE' : 'EC2'
  if (queuePlatform(ctx, queue) !== platform) throw clientError(platformMismatch(platform))

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
  const spec: JobSpec = {
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
