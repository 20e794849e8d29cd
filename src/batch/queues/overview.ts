/**
 * `mfbatch queues`: every job queue with its compute environments and how many of its jobs wait (RUNNABLE) or run
 * (RUNNING) now, and which queue a submit with no queue set would take. Read-only: DescribeJobQueues,
 * DescribeComputeEnvironments and ListJobs, each paginated.
 */
import type {ComputeEnvironmentDetail, JobQueueDetail, JobStateTimeLimitAction, JobStatus} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {frontOfQueue} from './line'
import {isUsable, listQueues} from './platform'

/** What runs a compute environment's jobs: the computeResources type, or UNMANAGED for instances of one's own. */
export type EnvironmentPlatform = 'EC2' | 'FARGATE' | 'FARGATE_SPOT' | 'SPOT' | 'UNMANAGED'

export interface EnvironmentOverview {
  arn: null | string
  desiredvCpus: null | number
  /** GPUs the environment can offer, where its instance types tell (p* and g* families); null when unknown. */
  gpus: boolean | null
  instanceTypes: string[]
  maxvCpus: null | number
  minvCpus: null | number
  name: string
  order: null | number
  platform: EnvironmentPlatform | null
  state: null | string
  status: null | string
  /** AWS's reason, given only when the environment cannot run jobs (not ENABLED, or not VALID). */
  statusReason: null | string
  type: null | string
}

export interface QueueOverview {
  arn: null | string
  computeEnvironments: EnvironmentOverview[]
  /** The queue a submit takes when none is set here: the configured one, else the first ENABLED and VALID. */
  default: boolean
  /** The first RUNNABLE jobs (up to 5), in the order they will be placed (GetJobQueueSnapshot); [] when none. */
  front: string[]
  /** What Batch does with jobs RUNNABLE too long at the head of the queue, as AWS reports it; [] when nothing. */
  jobStateTimeLimitActions: JobStateTimeLimitAction[]
  name: string
  /** The platform of the first compute environment (the one Batch tries first), as submit's auto detection. */
  platform: EnvironmentPlatform | null
  priority: null | number
  runnable: number
  running: number
  state: null | string
  status: null | string
  /** AWS's reason, given only when the queue cannot run jobs (not ENABLED, or not VALID). */
  statusReason: null | string
}

export interface QueuesOverview {
  /** The queue marked default, or null when none is configured and none can run jobs. */
  defaultQueue: null | string
  /** Where the default came from: "configured" (a setting names it) or "first usable". */
  defaultSource: 'configured' | 'first usable' | null
  queues: QueueOverview[]
}

/** EC2 instance families with GPUs; "optimal" and default_* types pick from c, m and r families, which have none. */
const GPU_INSTANCE = /^(?:p|g)\d/
const CPU_ONLY = /^(?:optimal|default_|[cmrt]\d|[cmrt]\d\w*\.)/

export function environmentPlatform(ce: ComputeEnvironmentDetail): EnvironmentPlatform | null {
  if (ce.type === 'UNMANAGED') return 'UNMANAGED'
  const type = ce.computeResources?.type
  return type === 'EC2' || type === 'SPOT' || type === 'FARGATE' || type === 'FARGATE_SPOT' ? type : null
}

/** True when an instance type has GPUs, false when every type surely has none, null when it cannot be told. */
export function environmentGpus(ce: ComputeEnvironmentDetail): boolean | null {
  const platform = environmentPlatform(ce)
  if (platform === 'FARGATE' || platform === 'FARGATE_SPOT') return false
  const types = ce.computeResources?.instanceTypes ?? []
  if (types.some((type) => GPU_INSTANCE.test(type))) return true
  return types.length > 0 && types.every((type) => CPU_ONLY.test(type)) ? false : null
}

function healthy(state?: string, status?: string): boolean {
  return state === 'ENABLED' && status === 'VALID'
}

export function environmentOverview(ce: ComputeEnvironmentDetail, order?: number): EnvironmentOverview {
  const resources = ce.computeResources
  return {
    arn: ce.computeEnvironmentArn ?? null,
    desiredvCpus: resources?.desiredvCpus ?? null,
    gpus: environmentGpus(ce),
    instanceTypes: [...(resources?.instanceTypes ?? [])],
    maxvCpus: resources?.maxvCpus ?? null,
    minvCpus: resources?.minvCpus ?? null,
    name: ce.computeEnvironmentName ?? ce.computeEnvironmentArn ?? '',
    order: order ?? null,
    platform: environmentPlatform(ce),
    state: ce.state ?? null,
    status: ce.status ?? null,
    statusReason: healthy(ce.state, ce.status) ? null : (ce.statusReason ?? null),
    type: ce.type ?? null,
  }
}

/** A queue's environments in the order Batch tries them; one missing from the answer is listed by its ARN alone. */
export function queueEnvironments(
  queue: JobQueueDetail,
  byArn: ReadonlyMap<string, ComputeEnvironmentDetail>,
): EnvironmentOverview[] {
  const order = [...(queue.computeEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
  return order.flatMap((entry) => {
    if (!entry.computeEnvironment) return []
    const ce = byArn.get(entry.computeEnvironment) ?? unknownEnvironment(entry.computeEnvironment)
    return [environmentOverview(ce, entry.order)]
  })
}

/**
 * The default queue as submit picks it (DESIGN.md section 2): the configured one (by name or ARN), else the first
 * ENABLED and VALID queue in DescribeJobQueues' order.
 */
export function pickDefault(
  queues: readonly JobQueueDetail[],
  configured?: string,
): {name: null | string; source: QueuesOverview['defaultSource']} {
  if (configured) {
    const named = queues.find((q) => q.jobQueueName === configured || q.jobQueueArn === configured)
    return {name: named?.jobQueueName ?? configured, source: 'configured'}
  }

  const usable = queues.find((queue) => isUsable(queue))
  return usable?.jobQueueName ? {name: usable.jobQueueName, source: 'first usable'} : {name: null, source: null}
}

/** How many jobs of the queue are in `status` now (ListJobs, paginated, 100 a page). */
async function countJobs(batch: BatchApi, queue: string, status: JobStatus): Promise<number> {
  let count = 0
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages come one after another by token
    const page = await batch.listJobs({jobQueue: queue, jobStatus: status, maxResults: 100, nextToken})
    count += page.jobSummaryList?.length ?? 0
    nextToken = page.nextToken
  } while (nextToken)

  return count
}

/** Every compute environment named by the queues (DescribeComputeEnvironments takes at most 100 a call). */
async function describeEnvironments(
  batch: BatchApi,
  queues: readonly JobQueueDetail[],
): Promise<Map<string, ComputeEnvironmentDetail>> {
  const arns = [
    ...new Set(queues.flatMap((q) => (q.computeEnvironmentOrder ?? []).map((o) => o.computeEnvironment ?? ''))),
  ].filter(Boolean)
  const byArn = new Map<string, ComputeEnvironmentDetail>()
  for (let i = 0; i < arns.length; i += 100) {
    // eslint-disable-next-line no-await-in-loop -- usually one call
    const page = await batch.describeComputeEnvironments({computeEnvironments: arns.slice(i, i + 100)})
    for (const ce of page.computeEnvironments ?? []) {
      if (ce.computeEnvironmentArn) byArn.set(ce.computeEnvironmentArn, ce)
      if (ce.computeEnvironmentName) byArn.set(ce.computeEnvironmentName, ce)
    }
  }

  return byArn
}

export async function queuesOverview(batch: BatchApi, configured?: string): Promise<QueuesOverview> {
  const queues = await listQueues(batch)
  const [byArn, counts] = await Promise.all([
    describeEnvironments(batch, queues),
    Promise.all(
      queues.map(async (q) => {
        const name = q.jobQueueArn ?? q.jobQueueName!
        const [runnable, running] = await Promise.all([
          countJobs(batch, name, 'RUNNABLE'),
          countJobs(batch, name, 'RUNNING'),
        ])
        return {front: runnable > 0 ? await frontOfQueue(batch, name) : [], runnable, running}
      }),
    ),
  ])
  const chosen = pickDefault(queues, configured)
  return {
    defaultQueue: chosen.name,
    defaultSource: chosen.source,
    queues: queues.map((queue, i): QueueOverview => {
      const computeEnvironments = queueEnvironments(queue, byArn)
      return {
        arn: queue.jobQueueArn ?? null,
        computeEnvironments,
        default: chosen.name !== null && queue.jobQueueName === chosen.name,
        jobStateTimeLimitActions: [...(queue.jobStateTimeLimitActions ?? [])],
        name: queue.jobQueueName ?? queue.jobQueueArn ?? '',
        platform: computeEnvironments[0]?.platform ?? null,
        priority: queue.priority ?? null,
        ...counts[i],
        state: queue.state ?? null,
        status: queue.status ?? null,
        statusReason: healthy(queue.state, queue.status) ? null : (queue.statusReason ?? null),
      }
    }),
  }
}

/** An environment the queue names but DescribeComputeEnvironments did not return (deleted meanwhile). */
function unknownEnvironment(arn: string): ComputeEnvironmentDetail {
  return {computeEnvironmentArn: arn, computeEnvironmentName: arn.split('/').pop() ?? arn}
}
