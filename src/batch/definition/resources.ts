/**
 * `--cpu`, `--gpu`, `--memory`. They travel in SubmitJob's containerOverrides (never in the definition), so one
 * definition serves every size.
 */
import type {Sourced} from '../../config/types'

import {invalid} from '../../errors'
import {size, smallMemoryWarning} from '../parse/memory-size'
import {integer, positiveDecimal, sourceLabel} from '../parse/values'
import {describeChoices, describeFargateMemories, FARGATE_VCPUS, fargateMemoriesFor} from './fargate'
import {ec2Only, type Platform} from './platform'

export interface Resources {
  gpu: number
  /** MiB. */
  memory: number
  /** The shortest decimal text: Batch on EC2 rejects "2.0" where it accepts "2". */
  vcpu: string
}

export interface ResourcesResult {
  resources: Resources
  /** A plain memory number so small it was probably meant in GiB. */
  warnings: string[]
}

export const DEFAULT_CPU = 1
export const DEFAULT_MEMORY = 4096

export function buildResources(
  s: {cpu?: Sourced; gpu?: Sourced; memory?: Sourced},
  platform: Platform,
): ResourcesResult {
  const cpu = positiveDecimal(s.cpu, 'use a number greater than 0 (fractions like 0.25 are fine)') ?? DEFAULT_CPU
  const gpu = integer(s.gpu, {min: 0}, 'use a whole number, 0 or more') ?? 0
  const read = size(s.memory, 'MiB', {min: 1})
  const memory = read?.value ?? DEFAULT_MEMORY
  const warning = smallMemoryWarning(s.memory, read)
  if (platform === 'FARGATE') {
    if (gpu > 0) ec2Only(s.gpu!, platform)
    checkFargatePair(s, cpu, memory)
  }

  return {resources: {gpu, memory, vcpu: shortestDecimal(cpu)}, warnings: warning ? [warning] : []}
}

function checkFargatePair(s: {cpu?: Sourced; memory?: Sourced}, cpu: number, memory: number): void {
  if (!FARGATE_VCPUS.includes(cpu)) {
    throw invalid(
      sourceLabel(s.cpu, '--cpu'),
      s.cpu?.value ?? cpu,
      `on Fargate use ${describeChoices(FARGATE_VCPUS)} vCPUs`,
    )
  }

  if (!fargateMemoriesFor(cpu).includes(memory)) {
    const allowed = `on Fargate with ${cpu} vCPU use ${describeFargateMemories(cpu)} MiB`
    throw invalid(sourceLabel(s.memory, '--memory'), s.memory?.value ?? memory, allowed)
  }
}

export function shortestDecimal(n: number): string {
  const plain = String(n)
  return plain.includes('e') ? n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : plain
}
