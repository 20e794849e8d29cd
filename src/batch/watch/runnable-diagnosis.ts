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

/**
 * A multi-node job starts only when every node has a place (user guide, "Multi-node parallel jobs": the nodes are
 * scheduled together), so what counts is the sum over its nodes. Memory is summed too: judged on Fargate only, which
 * takes no multi-node jobs, it is never compared.
 */
export function requestedByNodes(nodes: readonly JobDetail[]): Requested {
  const each = nodes.map((node) => requestedResources(node))
  const sum = (key: 'memory' | 'vcpu') =>
    each.some((r) => r[key] === undefined) ? undefined : each.reduce((total, r) => total + r[key]!, 0)
  return {gpu: each.reduce((total, r) => total + r.gpu, 0), memory: sum('memory'), vcpu: sum('vcpu')}
}

const isUp = (x: {state?: string; status?: string}): boolean => x.state === 'ENABLED' && x.status === 'VALID'

function stateOf(x: {state?: string; status?: string; statusReason?: string}): string {
  const reason = x.statusReason ? `: ${x.statusReason}` : ''
  return `${x.state ?? 'UNKNOWN'} and ${x.status ?? 'UNKNOWN'}${reason}`
}

function vcpuFindings(want: number, queue: string, envs: ComputeEnvironmentDetail[], asks: string): string[] {
  // An unmanaged environment's capacity is whatever instances its owner registered: unknowable from here.
  if (envs.some((ce) => ce.type === 'UNMANAGED')) return []
  const offers = envs.map((ce) => {
    const max = ce.computeResources?.maxvCpus ?? 0
    return platformOfEnvironment(ce) === 'FARGATE' ? Math.min(max, FARGATE_MAX_VCPU) : max
  })
  const best = Math.max(...offers)
  if (want <= best) return []
  const detail = envs.map((ce, i) => `${ce.computeEnvironmentName} ${offers[i]}`).join(', ')
  return [`${asks} ${want} vCPUs; the most any compute environment of queue ${queue} offers is ${best} (${detail})`]
}

function gpuFindings(want: number, queue: string, envs: ComputeEnvironmentDetail[], asks: string): string[] {
  if (want <= 0) return []
  if (envs.every((ce) => platformOfEnvironment(ce) === 'FARGATE')) {
    return [`${asks} ${want} GPUs; queue ${queue} has only Fargate compute environments, which have no GPUs`]
  }

  const managedEc2 = envs.every(
    (ce) => ce.type !== 'UNMANAGED' && (ce.computeResources?.instanceTypes ?? []).length > 0,
  )
  const types = envs.flatMap((ce) => ce.computeResources?.instanceTypes ?? [])
  if (!managedEc2 || types.some((type) => GPU_INSTANCE.test(type))) return []
  return [`${asks} ${want} GPUs; the instance types of queue ${queue} (${[...new Set(types)].join(', ')}) have none`]
}

function memoryFindings(
  want: number | undefined,
  queue: string,
  envs: ComputeEnvironmentDetail[],
  asks: string,
): string[] {
  if (want === undefined || !envs.every((ce) => platformOfEnvironment(ce) === 'FARGATE')) return []
  if (want <= FARGATE_MAX_MEMORY_MIB) return []
  return [
    `${asks} ${want} MiB of memory; a Fargate task of queue ${queue} can have at most ${FARGATE_MAX_MEMORY_MIB} MiB`,
  ]
}

/**
 * Sentences explaining a long RUNNABLE, most decisive first. `info` is undefined when the queue could not be
 * described (then only the job's own status reason is judged). `nodes`: a multi-node parent's nodes, judged together. Never empty: when nothing explains the wait, the
 * last sentence says so and what usually causes it.
 */
export function diagnoseRunnable(job: JobDetail, info?: QueueInfo, nodes: readonly JobDetail[] = []): string[] {
  const findings: string[] = []
  // A multi-node job's reason may be on its parent or on a node (the emulator puts it on the main node).
  const reason = [job, ...nodes].find((j) => j.statusReason?.startsWith('MISCONFIGURATION:'))?.statusReason
  if (reason) findings.push(`AWS Batch says: ${reason}`)
  if (info) {
    const queue = info.queue.jobQueueName ?? job.jobQueue ?? 'unknown'
    const envs = info.computeEnvironments
    if (!isUp(info.queue)) findings.push(`queue ${queue} is ${stateOf(info.queue)}`)
    for (const ce of envs) {
      if (!isUp(ce)) findings.push(`compute environment ${ce.computeEnvironmentName} is ${stateOf(ce)}`)
    }

    if (envs.length === 0) findings.push(`queue ${queue} has no compute environment`)
    else if (envs.some((ce) => isUp(ce))) {
      const want = nodes.length > 0 ? requestedByNodes(nodes) : requestedResources(job)
      const asks =
        nodes.length > 0 ? `the job's ${nodes.length} nodes, needed all at once, ask for` : 'the job asks for'
      const usable = envs.filter((ce) => isUp(ce))
      if (want.vcpu !== undefined) findings.push(...vcpuFindings(want.vcpu, queue, usable, asks))
      findings.push(...gpuFindings(want.gpu, queue, usable, asks), ...memoryFindings(want.memory, queue, usable, asks))
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
