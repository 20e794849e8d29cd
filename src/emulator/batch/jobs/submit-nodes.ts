/**
 * SubmitJob for a multinode definition: one parent record, which never runs and shows the job as a whole, and one
 * record per node, `JOBID#N` (AWS's notation, user guide "Multi-node parallel jobs"), each with its own container
 * (its node range with its node overrides applied). Only the main node carries the retry strategy: the guide says a
 * main node failure causes another attempt and a child node failure does not.
 */
import {randomUUID} from 'node:crypto'

import {batchArn} from '../arn'
import {BatchContext, Input} from '../context'
import {
  JobDefinitionRecord,
  JobDependency,
  JobQueueRecord,
  JobRecord,
  JobSpec,
  JobTimeout,
  RetryStrategy,
  Tags,
} from '../types'
import {nodeCount, type NodeOverrides, nodeParts, type NodeProperties} from './node-ranges'
import {applyOverrides, checkResourceRequirements, resourcesOf} from './spec'
import {checkDependencies, checkRetryAndTimeout, clientError} from './submit-checks'

export function submitMultiNode(
  ctx: BatchContext,
  input: Input,
  definition: JobDefinitionRecord,
  queue: JobQueueRecord,
): unknown {
  if (input.arrayProperties !== undefined) throw clientError('A multinode job cannot be an array job.')
  if (input.containerOverrides !== undefined) {
    throw clientError('A multinode job takes nodeOverrides, not containerOverrides.')
  }

  const properties = definition.nodeProperties as NodeProperties
  const overrides = input.nodeOverrides as NodeOverrides | undefined
  const numNodes = nodeCount(properties, overrides)
  const dependsOn = (input.dependsOn as JobDependency[] | undefined) ?? []
  checkDependencies(ctx, dependsOn)
  const retryStrategy = (input.retryStrategy as RetryStrategy | undefined) ?? definition.retryStrategy
  const timeout = (input.timeout as JobTimeout | undefined) ?? definition.timeout
  checkRetryAndTimeout(retryStrategy, timeout)
  const parameters = {...definition.parameters, ...(input.parameters as Record<string, string> | undefined)}
  const base: Omit<JobSpec, 'container' | 'resources'> = {
    jobDefinitionArn: definition.jobDefinitionArn,
    jobDefinitionName: definition.jobDefinitionName,
    jobName: input.jobName as string,
    jobQueueArn: queue.jobQueueArn,
    jobQueueName: queue.jobQueueName,
    parameters,
    platformCapabilities: definition.platformCapabilities,
    propagateTags: (input.propagateTags as boolean | undefined) ?? definition.propagateTags,
    retryStrategy,
    timeout,
  }
  const nodeSpecs: JobSpec[] = []
  for (let index = 0; index < numNodes; index++) {
    const parts = nodeParts(properties, overrides, numNodes, index)
    checkResourceRequirements(parts.overrides?.resourceRequirements)
    const container = applyOverrides(parts.container, parts.overrides, parameters)
    const main = index === properties.mainNode
    nodeSpecs.push({
      ...base,
      container,
      resources: resourcesOf(container),
      retryStrategy: main ? retryStrategy : undefined,
    })
  }

  const jobId = randomUUID()
  const now = ctx.now()
  const parent: JobRecord = {
    attempts: [],
    createdAt: now,
    dependsOn,
    jobArn: batchArn(ctx.id, 'job', jobId),
    jobId,
    numNodes,
    seq: ctx.store.nextSeq(),
    spec: {
      ...base,
      container: {},
      // What DescribeJobs shows for the parent: the definition's node properties with the node count run.
      nodeProperties: {...properties, numNodes},
      resources: {gpus: 0, memoryMiB: 0, vcpus: 0},
    },
    status: 'SUBMITTED',
    tags: (input.tags as Tags | undefined) ?? {},
  }
  ctx.store.addJob(parent)
  for (const [index, spec] of nodeSpecs.entries()) {
    const nodeId = `${jobId}#${index}`
    ctx.store.addJob({
      attempts: [],
      createdAt: now,
      // The parent waits on its dependencies; its nodes wait on it through the engine.
      dependsOn,
      jobArn: batchArn(ctx.id, 'job', nodeId),
      jobId: nodeId,
      nodeIndex: index,
      parentId: jobId,
      seq: ctx.store.nextSeq(),
      spec,
      status: 'SUBMITTED',
      tags: {},
    })
  }

  ctx.store.flush()
  return {jobArn: parent.jobArn, jobId, jobName: base.jobName}
}
