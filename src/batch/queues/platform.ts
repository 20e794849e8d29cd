/**
 * Which job queue a submit goes to and which platform (EC2 or Fargate) it runs on. `--platform auto` asks AWS:
 * the queue's first compute environment (by `order`, the one Batch tries first) decides, as Metaflow's users
 * expect from a queue they did not build themselves (DESIGN.md section 3).
 */
import type {ComputeEnvironmentDetail, JobQueueDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {RuntimeError} from '../../errors'

export type Platform = 'EC2' | 'FARGATE'

/** A queue and its compute environments, in the order Batch tries them. */
export interface QueueInfo {
  computeEnvironments: ComputeEnvironmentDetail[]
  queue: JobQueueDetail
}

/** Where a user sets the queue, for every message that asks them to. */
export const QUEUE_SOURCES = '--queue, the environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`'

/** Every job queue of the account and region (DescribeJobQueues, paginated). */
export async function listQueues(batch: BatchApi): Promise<JobQueueDetail[]> {
  const queues: JobQueueDetail[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages come one after another by token
    const page = await batch.describeJobQueues({maxResults: 100, nextToken})
    queues.push(...(page.jobQueues ?? []))
    nextToken = page.nextToken
  } while (nextToken)

  return queues
}

export function isUsable(queue: JobQueueDetail): boolean {
  return queue.state === 'ENABLED' && queue.status === 'VALID'
}

/** "a, b (DISABLED)" — the queues a user could name instead, with the state of those that would not run jobs. */
function describeQueues(queues: JobQueueDetail[]): string {
  if (queues.length === 0) return 'there are no job queues in this account and region'
  const names = queues.map((q) => (isUsable(q) ? q.jobQueueName : `${q.jobQueueName} (${q.state}, ${q.status})`))
  return `queues that exist: ${names.join(', ')}`
}

/** A queue that does not exist: a sentence naming those that do. */
export class QueueNotFoundError extends RuntimeError {}

/** The queue and its compute environments; a queue that does not exist is a sentence naming those that do. */
export async function describeQueue(batch: BatchApi, nameOrArn: string): Promise<QueueInfo> {
  const found = await batch.describeJobQueues({jobQueues: [nameOrArn]})
  const queue = found.jobQueues?.[0]
  if (!queue) {
    const queues = await listQueues(batch)
    throw new QueueNotFoundError(
      `job queue "${nameOrArn}" not found; ${describeQueues(queues)}. Set it with ${QUEUE_SOURCES}.`,
    )
  }

  const order = [...(queue.computeEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
  const arns = order.flatMap((entry) => (entry.computeEnvironment ? [entry.computeEnvironment] : []))
  if (arns.length === 0) return {computeEnvironments: [], queue}
  const described = await batch.describeComputeEnvironments({computeEnvironments: arns})
  const byKey = new Map<string, ComputeEnvironmentDetail>()
  for (const ce of described.computeEnvironments ?? []) {
    if (ce.computeEnvironmentArn) byKey.set(ce.computeEnvironmentArn, ce)
    if (ce.computeEnvironmentName) byKey.set(ce.computeEnvironmentName, ce)
  }

  const computeEnvironments = arns.flatMap((arn) => byKey.get(arn) ?? [])
  return {computeEnvironments, queue}
}

/**
 * The platform a compute environment runs jobs on. An unmanaged environment is instances the user runs
 * themselves, which is EC2 as far as a job definition is concerned.
 */
export function platformOfEnvironment(ce: ComputeEnvironmentDetail): Platform {
  if (ce.type === 'UNMANAGED') return 'EC2'
  const type = ce.computeResources?.type
  return type === 'FARGATE' || type === 'FARGATE_SPOT' ? 'FARGATE' : 'EC2'
}

/** `--platform auto`: the platform of the queue's first compute environment. */
export function platformOfQueue(info: QueueInfo): Platform {
  const first = info.computeEnvironments[0]
  if (!first) {
    throw new RuntimeError(
      `job queue "${info.queue.jobQueueName}" has no compute environment, so no job can run on it; ` +
        `attach one, or pick another queue with ${QUEUE_SOURCES}`,
    )
  }

  return platformOfEnvironment(first)
}

/** No queue set anywhere: the first queue that can run jobs (DESIGN.md section 2). */
export async function defaultQueue(batch: BatchApi): Promise<JobQueueDetail> {
  const queues = await listQueues(batch)
  const usable = queues.find((queue) => isUsable(queue))
  if (!usable) {
    throw new RuntimeError(
      `no job queue set and none is ENABLED and VALID; ${describeQueues(queues)}. Set it with ${QUEUE_SOURCES}.`,
    )
  }

  return usable
}

export interface QueueChoice {
  /** True when no queue was set and the first usable one was taken: the caller says so on stderr. */
  defaulted: boolean
  info: QueueInfo
  platform: Platform
  /** The queue's name, as SubmitJob will receive it. */
  queue: string
}

/**
 * The queue (given, or the default one) and the platform: `requested` wins unless it is `auto`. The queue is
 * described even when the platform is given, so a wrong queue name fails before anything is registered.
 */
export async function chooseQueue(
  batch: BatchApi,
  queue?: string,
  requested: 'auto' | 'ec2' | 'fargate' | Platform = 'auto',
): Promise<QueueChoice> {
  const name = queue ?? (await defaultQueue(batch)).jobQueueName
  if (!name) throw new RuntimeError(`no job queue set; set one with ${QUEUE_SOURCES}`)
  const info = await describeQueue(batch, name)
  const platform = requested === 'auto' ? platformOfQueue(info) : (requested.toUpperCase() as Platform)
  return {defaulted: queue === undefined, info, platform, queue: info.queue.jobQueueName ?? name}
}
