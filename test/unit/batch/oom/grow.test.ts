import type {ComputeEnvironmentDetail, JobDetail} from '@aws-sdk/client-batch'

import type {QueueInfo} from '../../../../src/batch/queues/platform'

import {grownMemory, memoryCeiling, memoryOf, parseOomRetry, ranOutOfMemory} from '../../../../src/batch/oom/grow'
import {InputError} from '../../../../src/errors'

const OOM = 'OutOfMemoryError: Container killed due to memory usage'

function ce(
  name: string,
  resources: ComputeEnvironmentDetail['computeResources'],
  extra = {},
): ComputeEnvironmentDetail {
  return {
    computeEnvironmentArn: `arn:aws:batch:us-east-1:000000000000:compute-environment/${name}`,
    computeEnvironmentName: name,
    computeResources: resources,
    state: 'ENABLED',
    status: 'VALID',
    type: 'MANAGED',
    ...extra,
  }
}

const queue = (...computeEnvironments: ComputeEnvironmentDetail[]): QueueInfo => ({
  computeEnvironments,
  queue: {computeEnvironmentOrder: [], jobQueueArn: 'arn', jobQueueName: 'q', priority: 1, state: 'ENABLED'},
})
const ec2 = (maxvCpus: number, instanceTypes: string[]) =>
  ({instanceTypes, maxvCpus, subnets: [], type: 'EC2'}) as ComputeEnvironmentDetail['computeResources']

describe('parseOomRetry', () => {
  test.each([
    [{}, true, undefined],
    [{'oom-retry': '2'}, true, {factor: 2, times: 2}],
    [{'oom-factor': '1.5', 'oom-retry': '1'}, true, {factor: 1.5, times: 1}],
    [{'oom-factor': '16', 'oom-retry': '9'}, true, {factor: 16, times: 9}],
  ])('%j', (flags, waits, expected) => {
    expect(parseOomRetry(flags, waits)).toEqual(expected)
  })

  test.each([
    [{'oom-retry': '0'}, true, '--oom-retry: "0" is not allowed; use a whole number from 1 to 9'],
    [{'oom-retry': '10'}, true, '--oom-retry: "10" is not allowed; use a whole number from 1 to 9'],
    [{'oom-retry': '1.5'}, true, '--oom-retry: "1.5" is not allowed; use a whole number from 1 to 9'],
    [
      {'oom-factor': '1', 'oom-retry': '1'},
      true,
      '--oom-factor: "1" is not allowed; use a number greater than 1 and at most 16, such as 1.5',
    ],
    [
      {'oom-factor': 'x', 'oom-retry': '1'},
      true,
      '--oom-factor: "x" is not allowed; use a number greater than 1 and at most 16, such as 1.5',
    ],
    [{'oom-factor': '2'}, true, '--oom-factor: needs --oom-retry N (how many times to grow)'],
    [
      {'oom-retry': '1'},
      false,
      '--oom-retry: needs --wait or --follow (the job is rerun once it is seen out of memory)',
    ],
  ])('%j (waits: %s) is refused', (flags, waits, message) => {
    expect(() => parseOomRetry(flags, waits)).toThrow(new InputError(message))
  })
})

const job = (status: string, reason?: string, memory = '256'): JobDetail =>
  ({
    container: {reason, resourceRequirements: [{type: 'MEMORY', value: memory}]},
    status,
  }) as JobDetail

describe('the OOM and the next size', () => {
  test('only a FAILED job with the OOM reason ran out of memory', () => {
    expect(ranOutOfMemory(job('FAILED', OOM))).toBe(true)
    expect(ranOutOfMemory(job('FAILED', 'CannotStartContainerError: x'))).toBe(false)
    expect(ranOutOfMemory(job('FAILED'))).toBe(false)
    expect(ranOutOfMemory(job('SUCCEEDED', OOM))).toBe(false)
    expect(memoryOf(job('FAILED', OOM, '512'))).toBe(512)
  })

  test.each([
    [256, 2, undefined, 512],
    [256, 1.5, undefined, 384],
    [1000, 1.3, undefined, 1300],
    [6000, 2, 8192, 8192],
    [8192, 2, 8192, undefined],
  ])('%d MiB x %d (ceiling %s) -> %s', (memory, factor, ceiling, next) => {
    expect(grownMemory(memory, factor, ceiling)).toBe(next)
  })

  test('the ceiling: maxvCpus x 8 GiB for the c, m, r families and "optimal"; Fargate 120 GiB; else unknown', () => {
    expect(memoryCeiling(queue(ce('a', ec2(4, ['optimal']))))).toBe(32_768)
    expect(memoryCeiling(queue(ce('a', ec2(4, ['optimal'])), ce('b', ec2(16, ['m5.xlarge', 'c6i']))))).toBe(131_072)
    expect(memoryCeiling(queue(ce('f', {maxvCpus: 256, subnets: [], type: 'FARGATE'})))).toBe(122_880)
    expect(memoryCeiling(queue(ce('x', ec2(64, ['x2idn.32xlarge']))))).toBeUndefined()
    expect(memoryCeiling(queue(ce('u', undefined, {type: 'UNMANAGED'})))).toBeUndefined()
    // A disabled environment gives nothing: only what can run the job counts.
    expect(memoryCeiling(queue(ce('a', ec2(4, ['optimal'])), ce('off', ec2(64, ['r5']), {state: 'DISABLED'})))).toBe(
      32_768,
    )
  })
})
