/**
 * Why a job may be stuck in RUNNABLE, from what DescribeJobs, DescribeJobQueues and DescribeComputeEnvironments say
 * (DESIGN.md section 4). Pure: the caller fetches, this only reads. It says only what it can know: the memory of an
 * EC2 compute environment depends on instance types AWS does not describe here, so memory is judged on Fargate only.
 */
import type {ComputeEnvironmentDetail, JobDetail} from '@aws-sdk/client-batch'

import type {QueueInfo} from '../queues/platform'

import {platformOfEnvironment} from '../queues/platform'

/** What one Fargate task can have at most (AWS Fargate task size table: 16 vCPU, 120 GiB). */
const FARGATE_MAX_VCPU = 16
const FARGATE_MAX_MEMORY_MIB = 120 * 1024

/** EC2 instance families with GPUs (p*, g*); "optimal" and the default_* types pick from c, m and r families. */
const GPU_INSTANCE = /^(?:p|g)\d/

export interface Requested {
  gpu: number
  memory?: number
  vcpu?: number
}

/** The resources the job asks for: the submit's overrides as Batch merged them, else the legacy fields. */
export function requestedResources(job: JobDetail): Requested {
  const container = job.container ?? {}
  const byType = new Map((container.resourceRequirements ?? []).map((r) => [r.type, Number(r.value)]))
  return {
    gpu: byType.get('GPU') ?? 0,
    memory: byType.get('MEMORY') ?? container.memory,
    vcpu: byType.get('VCPU') ?? container.vcpus,
  }
}

const isUp = (x: {state?: string; status?: string}): boolean => x.state === 'ENABLED' && x.status === 'VALID'

function stateOf(x: {state?: string; status?: string; statusReason?: string}): string {
  const reason = x.statusReason ? `: ${x.statusReason}` : ''
  return `${x.state ?? 'UNKNOWN'} and ${x.status ?? 'UNKNOWN'}${reason}`
}

function vcpuFindings(want: number, queue: string, envs: ComputeEnvironmentDetail[]): string[] {
  // An unmanaged environment's capacity is whatever instances its owner registered: unknowable from here.
  if (envs.some((ce) => ce.type === 'UNMANAGED')) return []
  const offers = envs.map((ce) => {
    const max = ce.computeResources?.maxvCpus ?? 0
    return platformOfEnvironment(ce) === 'FARGATE' ? Math.min(max, FARGATE_MAX_VCPU) : max
  })
  const best = Math.max(...offers)
  if (want <= best) return []
  const detail = envs.map((ce, i) => `${ce.computeEnvironmentName} ${offers[i]}`).join(', ')
  return [
    `the job asks for ${want} vCPUs; the most any compute environment of queue ${queue} offers is ${best} (${detail})`,
  ]
}

function gpuFindings(want: number, queue: string, envs: ComputeEnvironmentDetail[]): string[] {
  if (want <= 0) return []
  if (envs.every((ce) => platformOfEnvironment(ce) === 'FARGATE')) {
    return [`the job asks for ${want} GPUs; queue ${queue} has only Fargate compute environments, which have no GPUs`]
  }

  const managedEc2 = envs.every(
    (ce) => ce.type !== 'UNMANAGED' && (ce.computeResources?.instanceTypes ?? []).length > 0,
  )
  const types = envs.flatMap((ce) => ce.computeResources?.instanceTypes ?? [])
  if (!managedEc2 || types.some((type) => GPU_INSTANCE.test(type))) return []
  return [
    `the job asks for ${want} GPUs; the instance types of queue ${queue} (${[...new Set(types)].join(', ')}) have none`,
  ]
}

function memoryFindings(want: number | undefined, queue: string, envs: ComputeEnvironmentDetail[]): string[] {
  if (want === undefined || !envs.every((ce) => platformOfEnvironment(ce) === 'FARGATE')) return []
  if (want <= FARGATE_MAX_MEMORY_MIB) return []
  return [
    `the job asks for ${want} MiB of memory; a Fargate task of queue ${queue} can have at most ${FARGATE_MAX_MEMORY_MIB} MiB`,
  ]
}

/**
 * Sentences explaining a long RUNNABLE, most decisive first. `info` is undefined when the queue could not be
 * described (then only the job's own status reason is judged). Never empty: when nothing explains the wait, the
 * last sentence says so and what usually causes it.
 */
export function diagnoseRunnable(job: JobDetail, info?: QueueInfo): string[] {
  const findings: string[] = []
  if (job.statusReason?.startsWith('MISCONFIGURATION:')) findings.push(`AWS Batch says: ${job.statusReason}`)
  if (info) {
    const queue = info.queue.jobQueueName ?? job.jobQueue ?? 'unknown'
    const envs = info.computeEnvironments
    if (!isUp(info.queue)) findings.push(`queue ${queue} is ${stateOf(info.queue)}`)
    for (const ce of envs) {
      if (!isUp(ce)) findings.push(`compute environment ${ce.computeEnvironmentName} is ${stateOf(ce)}`)
    }

    if (envs.length === 0) findings.push(`queue ${queue} has no compute environment`)
    else if (envs.some((ce) => isUp(ce))) {
      const want = requestedResources(job)
      const usable = envs.filter((ce) => isUp(ce))
      if (want.vcpu !== undefined) findings.push(...vcpuFindings(want.vcpu, queue, usable))
      findings.push(...gpuFindings(want.gpu, queue, usable), ...memoryFindings(want.memory, queue, usable))
    } else {
      findings.push(`no compute environment of queue ${queue} can run jobs`)
    }

    if (findings.length === 0) {
      const capacity = envs
        .map(
          (ce) =>
            `${ce.computeEnvironmentName} ${ce.computeResources?.desiredvCpus ?? '?'}/${ce.computeResources?.maxvCpus ?? '?'} vCPUs`,
        )
        .join(', ')
      findings.push(
        `nothing in queue ${queue} or its compute environments rules the job out; it is probably waiting for ` +
          `capacity (desired/max: ${capacity}), for instances to start, or behind other jobs`,
      )
    }
  } else if (findings.length === 0) {
    findings.push(
      'its queue could not be described, so no cause can be named; check the queue and its compute environments',
    )
  }

  return findings
}
