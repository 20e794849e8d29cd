/** Create/Describe/Update/DeleteJobQueue. A queue sends its jobs to its compute environments, tried by `order`. */
import {ApiError} from '../../contract'
import {batchArn, nameFrom} from '../arn'
import {BatchContext, Input} from '../context'
import {ALREADY_EXISTS, invalidResourceName, queueNotFound, RESOURCE_NAME} from '../reasons'
import {ComputeEnvironmentOrder, ComputeEnvironmentRecord, isFinal, JobQueueRecord, Tags} from '../types'
import {findComputeEnvironment} from './compute-environments'
import {describePage} from './describe-page'

/** AWS's statusReason for a healthy queue. */
export const QUEUE_HEALTHY = 'JobQueue Healthy'

export function findQueue(ctx: BatchContext, nameOrArn: string): JobQueueRecord | undefined {
  return ctx.store.jobQueues.get(nameFrom(nameOrArn, 'job-queue'))
}

/** The queue's compute environments in the order jobs try them (lowest `order` first). */
export function queueComputeEnvironments(ctx: BatchContext, queue: JobQueueRecord): ComputeEnvironmentRecord[] {
  return [...queue.computeEnvironmentOrder]
    .sort((a, b) => a.order - b.order)
    .map((o) => findComputeEnvironment(ctx, o.computeEnvironment))
    .filter((ce): ce is ComputeEnvironmentRecord => ce !== undefined)
}

/** Checks every environment exists and stores them by ARN, as DescribeJobQueues shows them. */
function resolveOrder(ctx: BatchContext, order: ComputeEnvironmentOrder[]): ComputeEnvironmentOrder[] {
  if (order.length === 0) throw new ApiError('ClientException', 'At least 1 compute environment must be provided.')
  return order.map((o) => {
    const ce = findComputeEnvironment(ctx, o.computeEnvironment)
    if (!ce) throw new ApiError('ClientException', `Compute environment ${o.computeEnvironment} does not exist.`)
    return {computeEnvironment: ce.computeEnvironmentArn, order: o.order}
  })
}

export function newJobQueue(
  ctx: Pick<BatchContext, 'id'>,
  input: {
    computeEnvironmentOrder: ComputeEnvironmentOrder[]
    jobQueueName: string
    priority: number
    state?: 'DISABLED' | 'ENABLED'
    tags?: Tags
  },
): JobQueueRecord {
  return {
    computeEnvironmentOrder: input.computeEnvironmentOrder,
    jobQueueArn: batchArn(ctx.id, 'job-queue', input.jobQueueName),
    jobQueueName: input.jobQueueName,
    priority: input.priority,
    state: input.state ?? 'ENABLED',
    status: 'VALID',
    statusReason: QUEUE_HEALTHY,
    tags: input.tags ?? {},
  }
}

export function createJobQueue(ctx: BatchContext, input: Input): unknown {
  const name = input.jobQueueName as string
  if (!RESOURCE_NAME.test(name)) throw new ApiError('ClientException', invalidResourceName('Job queue name', name))
  if (ctx.store.jobQueues.has(name)) throw new ApiError('ClientException', ALREADY_EXISTS)
  const queue = newJobQueue(ctx, {
    computeEnvironmentOrder: resolveOrder(ctx, (input.computeEnvironmentOrder as ComputeEnvironmentOrder[]) ?? []),
    jobQueueName: name,
    priority: input.priority as number,
    state: input.state as 'DISABLED' | 'ENABLED' | undefined,
    tags: input.tags as Tags | undefined,
  })
  if (input.schedulingPolicyArn !== undefined) queue.schedulingPolicyArn = input.schedulingPolicyArn as string
  if (input.jobStateTimeLimitActions !== undefined)
    queue.jobStateTimeLimitActions = input.jobStateTimeLimitActions as unknown[]
  ctx.store.jobQueues.set(name, queue)
  ctx.store.saveControl()
  return {jobQueueArn: queue.jobQueueArn, jobQueueName: name}
}

export function describeJobQueues(ctx: BatchContext, input: Input): unknown {
  const page = describePage([...ctx.store.jobQueues.values()], input, 'jobQueues', (q) => [
    q.jobQueueName,
    q.jobQueueArn,
  ])
  return {jobQueues: page.items.map((q) => ({...q, jobQueueType: 'ECS'})), nextToken: page.nextToken}
}

function mustFind(ctx: BatchContext, nameOrArn: string): JobQueueRecord {
  const queue = findQueue(ctx, nameOrArn)
  if (!queue) throw new ApiError('ClientException', queueNotFound(nameOrArn))
  return queue
}

export function updateJobQueue(ctx: BatchContext, input: Input): unknown {
  const queue = mustFind(ctx, input.jobQueue as string)
  if (input.computeEnvironmentOrder !== undefined) {
    queue.computeEnvironmentOrder = resolveOrder(ctx, input.computeEnvironmentOrder as ComputeEnvironmentOrder[])
  }

  if (input.state !== undefined) queue.state = input.state as 'DISABLED' | 'ENABLED'
  if (input.priority !== undefined) queue.priority = input.priority as number
  if (input.schedulingPolicyArn !== undefined) queue.schedulingPolicyArn = input.schedulingPolicyArn as string
  if (input.jobStateTimeLimitActions !== undefined)
    queue.jobStateTimeLimitActions = input.jobStateTimeLimitActions as unknown[]
  ctx.store.saveControl()
  return {jobQueueArn: queue.jobQueueArn, jobQueueName: queue.jobQueueName}
}

/** AWS asks for the queue to be DISABLED first; its jobs that have not finished are terminated. */
export function deleteJobQueue(ctx: BatchContext, input: Input): unknown {
  const queue = mustFind(ctx, input.jobQueue as string)
  if (queue.state !== 'DISABLED') {
    throw new ApiError('ClientException', `Job queue ${queue.jobQueueName} must be DISABLED before it is deleted.`)
  }

  for (const job of ctx.store.jobsByQueue.get(queue.jobQueueName) ?? []) {
    if (!isFinal(job.status)) ctx.control.terminate(job, 'Job queue was deleted')
  }

  ctx.store.jobQueues.delete(queue.jobQueueName)
  ctx.store.saveControl()
  return {}
}
