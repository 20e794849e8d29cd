/** Job records → AWS's JobDetail (DescribeJobs) and JobSummary (ListJobs) shapes. */
import type {BatchStore} from '../store'

import {JobRecord, JobSpec} from '../types'

/** Array children take everything that does not change per child from their parent. */
export function specOf(store: BatchStore, job: JobRecord): JobSpec {
  return job.spec ?? store.jobs.get(job.parentId!)!.spec!
}

function arrayProperties(store: BatchStore, job: JobRecord): Record<string, unknown> | undefined {
  if (job.arrayIndex !== undefined) return {index: job.arrayIndex}
  if (job.arraySize === undefined) return undefined
  return {size: job.arraySize, statusSummary: {...store.childCounts.get(job.jobId)}}
}

/**
 * DescribeJobs of a node `JOB#N` has nodeDetails {nodeIndex, isMainNode}; of the parent, nodeProperties (API
 * reference, JobDetail, NodeDetails). ListJobs gives both kinds a NodePropertiesSummary.
 */
function nodeMembers(
  store: BatchStore,
  job: JobRecord,
): {detail: Record<string, unknown>; summary?: Record<string, unknown>} {
  if (job.numNodes !== undefined) {
    return {detail: {nodeProperties: job.spec?.nodeProperties}, summary: {numNodes: job.numNodes}}
  }

  if (job.nodeIndex === undefined) return {detail: {}}
  const parent = store.jobs.get(job.parentId!)
  const isMainNode = job.nodeIndex === ((parent?.spec?.nodeProperties?.mainNode as number | undefined) ?? 0)
  return {
    detail: {nodeDetails: {isMainNode, nodeIndex: job.nodeIndex}},
    summary: {isMainNode, nodeIndex: job.nodeIndex, numNodes: parent?.numNodes},
  }
}

/** The container's outcome is its latest attempt's. */
function lastRun(job: JobRecord): Record<string, unknown> {
  const container = job.attempts.at(-1)?.container
  return container ? {...container} : {}
}

/** Drops absent members so responses carry only what is known, as AWS's do. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function jobDetail(store: BatchStore, job: JobRecord): Record<string, unknown> {
  const spec = specOf(store, job)
  const nodes = nodeMembers(store, job)
  return defined({
    arrayProperties: arrayProperties(store, job),
    attempts: job.attempts,
    // A multi-node parent has no container of its own (API reference, JobDetail: nodeProperties instead).
    consumableResourceProperties: spec.consumables ? {consumableResourceList: spec.consumables} : undefined,
    container: job.numNodes === undefined ? {...spec.container, ...lastRun(job)} : undefined,
    ...nodes.detail,
    createdAt: job.createdAt,
    dependsOn: job.dependsOn,
    isCancelled: job.isCancelled,
    isTerminated: job.isTerminated,
    jobArn: job.jobArn,
    jobDefinition: spec.jobDefinitionArn,
    jobId: job.jobId,
    jobName: spec.jobName,
    jobQueue: spec.jobQueueArn,
    parameters: spec.parameters,
    platformCapabilities: spec.platformCapabilities,
    propagateTags: spec.propagateTags,
    retryStrategy: spec.retryStrategy,
    startedAt: job.startedAt,
    status: job.status,
    statusReason: job.statusReason,
    stoppedAt: job.stoppedAt,
    tags: job.tags,
    timeout: spec.timeout,
  })
}

export function jobSummary(store: BatchStore, job: JobRecord): Record<string, unknown> {
  const spec = specOf(store, job)
  const last = job.attempts.at(-1)?.container
  const container =
    last && (last.exitCode !== undefined || last.reason !== undefined)
      ? defined({exitCode: last.exitCode, reason: last.reason})
      : undefined
  return defined({
    arrayProperties: arrayProperties(store, job),
    container,
    createdAt: job.createdAt,
    jobArn: job.jobArn,
    jobDefinition: spec.jobDefinitionArn,
    jobId: job.jobId,
    jobName: spec.jobName,
    nodeProperties: nodeMembers(store, job).summary,
    startedAt: job.startedAt,
    status: job.status,
    statusReason: job.statusReason,
    stoppedAt: job.stoppedAt,
  })
}
