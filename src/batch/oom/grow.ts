/**
 * `--oom-retry N [--oom-factor F]` (DESIGN.md section 13): when a waited-on job fails because its container went over
 * its memory, it is submitted again (as `rerun` does) with its memory times F, up to N times, never above what the
 * queue's compute environments can hold. Pure: the options, the OOM test, the next size and the ceiling.
 */
import type {ComputeEnvironmentDetail, JobDetail} from '@aws-sdk/client-batch'

import type {QueueInfo} from '../queues/platform'

import {InputError, invalid} from '../../errors'
import {platformOfEnvironment} from '../queues/platform'

export interface OomRetry {
  factor: number
  /** Reruns at most. */
  times: number
}

export const DEFAULT_OOM_FACTOR = 2
const MAX_OOM_RETRIES = 9
const MAX_OOM_FACTOR = 16

/** The container reason AWS Batch gives a container killed for its memory (the same as the emulator's). */
export const OOM_REASON_PREFIX = 'OutOfMemoryError'

/** What one Fargate task can have at most (AWS Fargate task sizes: 120 GiB). */
const FARGATE_MAX_MEMORY_MIB = 120 * 1024
/**
 * The most memory per vCPU among the instance families an EC2 compute environment's "optimal" and default_* types
 * draw from (c: 2 GiB, m: 4 GiB, r: 8 GiB a vCPU), so maxvCpus x 8 GiB bounds what any one instance has.
 */
const EC2_MAX_MIB_PER_VCPU = 8 * 1024
const BOUNDED_TYPES = /^(?:optimal|default_\w+|[cmr]\d[\w-]*\.\w+|[cmr]\d\w*)$/

/** `--oom-retry`/`--oom-factor` checked before any call; undefined when `--oom-retry` is not given. */
export function parseOomRetry(
  flags: {'oom-factor'?: string; 'oom-retry'?: string},
  waits: boolean,
): OomRetry | undefined {
  const rawTimes = flags['oom-retry']
  const rawFactor = flags['oom-factor']
  if (rawTimes === undefined) {
    if (rawFactor !== undefined) throw new InputError(`--oom-factor: needs --oom-retry N (how many times to grow)`)
    return undefined
  }

  const times = Number(rawTimes)
  if (!/^\d+$/.test(rawTimes.trim()) || times < 1 || times > MAX_OOM_RETRIES) {
    throw invalid('--oom-retry', rawTimes, `use a whole number from 1 to ${MAX_OOM_RETRIES}`)
  }

  const factor = rawFactor === undefined ? DEFAULT_OOM_FACTOR : Number(rawFactor)
  if (rawFactor !== undefined && (rawFactor.trim() === '' || !(factor > 1 && factor <= MAX_OOM_FACTOR))) {
    throw invalid('--oom-factor', rawFactor, `use a number greater than 1 and at most ${MAX_OOM_FACTOR}, such as 1.5`)
  }

  if (!waits) {
    throw new InputError('--oom-retry: needs --wait or --follow (the job is rerun once it is seen out of memory)')
  }

  return {factor, times}
}

/** The job failed because its container went over its memory (the job's own container, else its last attempt's). */
export function ranOutOfMemory(job: JobDetail): boolean {
  if (job.status !== 'FAILED') return false
  const reason = job.container?.reason ?? job.attempts?.at(-1)?.container?.reason ?? ''
  return reason.startsWith(OOM_REASON_PREFIX)
}

/** The job's MEMORY in MiB, as Batch merged the submit's overrides into it. */
export function memoryOf(job: JobDetail): number | undefined {
  const container = job.container ?? {}
  const value = container.resourceRequirements?.find((r) => r.type === 'MEMORY')?.value
  return value === undefined ? container.memory : Number(value)
}

/**
 * The most memory one job of the queue could be given: Fargate's largest task, or, on EC2, maxvCpus times the most
 * memory a vCPU has in the families the environment may launch. Undefined when that cannot be known (unmanaged
 * environments, instance types of other families): then only AWS's answer bounds the growth.
 */
export function memoryCeiling(info: QueueInfo): number | undefined {
  const usable = info.computeEnvironments.filter((ce) => ce.state === 'ENABLED' && ce.status === 'VALID')
  const each = usable.map((ce) => ceilingOf(ce))
  if (each.length === 0 || each.includes(undefined)) return undefined
  return Math.max(...(each as number[]))
}

function ceilingOf(ce: ComputeEnvironmentDetail): number | undefined {
  if (platformOfEnvironment(ce) === 'FARGATE') return FARGATE_MAX_MEMORY_MIB
  const resources = ce.computeResources
  if (ce.type === 'UNMANAGED' || !resources?.maxvCpus) return undefined
  const types = resources.instanceTypes ?? []
  if (types.length === 0 || !types.every((type) => BOUNDED_TYPES.test(type))) return undefined
  return resources.maxvCpus * EC2_MAX_MIB_PER_VCPU
}

/** The next size: memory x factor in whole MiB, at most the ceiling; undefined when the job is there already. */
export function grownMemory(memory: number, factor: number, ceiling: number | undefined): number | undefined {
  const grown = Math.ceil(memory * factor)
  const next = ceiling === undefined ? grown : Math.min(grown, ceiling)
  return next > memory ? next : undefined
}
