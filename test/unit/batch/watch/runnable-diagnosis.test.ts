import type {ComputeEnvironmentDetail, JobDetail} from '@aws-sdk/client-batch'

import type {QueueInfo} from '../../../../src/batch/queues/platform'

import {diagnoseRunnable} from '../../../../src/batch/watch/runnable-diagnosis'
import {job} from '../logs/logs-fakes'

function env(name: string, fields: Partial<ComputeEnvironmentDetail> = {}, resources = {}): ComputeEnvironmentDetail {
  return {
    computeEnvironmentArn: `arn:ce/${name}`,
    computeEnvironmentName: name,
    computeResources: {desiredvCpus: 0, instanceTypes: ['optimal'], maxvCpus: 4, type: 'EC2', ...resources},
    state: 'ENABLED',
    status: 'VALID',
    type: 'MANAGED',
    ...fields,
  }
}

function info(envs: ComputeEnvironmentDetail[], queue: Partial<QueueInfo['queue']> = {}): QueueInfo {
  return {
    computeEnvironments: envs,
    queue: {
      computeEnvironmentOrder: [],
      jobQueueArn: 'arn:q',
      jobQueueName: 'q',
      priority: 1,
      state: 'ENABLED',
      status: 'VALID',
      ...queue,
    },
  }
}

function asking(vcpu: string, memory = '4096', gpu?: string, fields: Partial<JobDetail> = {}): JobDetail {
  const resourceRequirements = [
    {type: 'VCPU' as const, value: vcpu},
    ...(gpu ? [{type: 'GPU' as const, value: gpu}] : []),
    {type: 'MEMORY' as const, value: memory},
  ]
  return job({container: {resourceRequirements}, status: 'RUNNABLE', ...fields})
}

describe('diagnoseRunnable', () => {
  test('more vCPUs than any compute environment of the queue offers, and the MISCONFIGURATION reason', () => {
    const stuck = asking('8', '4096', undefined, {
      statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - needs more',
    })
    expect(diagnoseRunnable(stuck, info([env('a'), env('b', {}, {maxvCpus: 6})]))).toEqual([
      'AWS Batch says: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - needs more',
      'the job asks for 8 vCPUs; the most any compute environment of queue q offers is 6 (a 4, b 6)',
    ])
  })

  test('a multi-node job: its nodes together, each fitting alone; the reason found on a node', () => {
    const parent = job({nodeProperties: {mainNode: 0, nodeRangeProperties: [], numNodes: 3}, status: 'RUNNABLE'})
    const reason = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - needs more'
    const nodes = [asking('2', '4096', undefined, {statusReason: reason}), asking('2', '4096', '1'), asking('2')]
    expect(diagnoseRunnable(parent, info([env('a')]), nodes)).toEqual([
      `AWS Batch says: ${reason}`,
      "the job's 3 nodes, needed all at once, ask for 6 vCPUs; the most any compute environment of queue q offers is 4 (a 4)",
      "the job's 3 nodes, needed all at once, ask for 1 GPUs; the instance types of queue q (optimal) have none",
    ])
    expect(diagnoseRunnable(parent, info([env('a', {}, {maxvCpus: 6})]), nodes.slice(1))).toEqual([
      "the job's 2 nodes, needed all at once, ask for 1 GPUs; the instance types of queue q (optimal) have none",
    ])
  })

  test('a disabled queue and an invalid compute environment are named with their reasons', () => {
    const findings = diagnoseRunnable(
      asking('1'),
      info([env('a', {state: 'DISABLED'}), env('b', {status: 'INVALID', statusReason: 'role missing'})], {
        state: 'DISABLED',
      }),
    )
    expect(findings).toEqual([
      'queue q is DISABLED and VALID',
      'compute environment a is DISABLED and VALID',
      'compute environment b is ENABLED and INVALID: role missing',
      'no compute environment of queue q can run jobs',
    ])
  })

  test('GPUs: none on Fargate, none in optimal instance types, unknown otherwise', () => {
    const fargate = env('f', {}, {type: 'FARGATE'})
    expect(diagnoseRunnable(asking('1', '2048', '1'), info([fargate]))).toEqual([
      'the job asks for 1 GPUs; queue q has only Fargate compute environments, which have no GPUs',
    ])
    expect(diagnoseRunnable(asking('1', '2048', '2'), info([env('a')]))).toEqual([
      'the job asks for 2 GPUs; the instance types of queue q (optimal) have none',
    ])
    const gpuTypes = env('g', {}, {instanceTypes: ['g4dn.xlarge']})
    expect(diagnoseRunnable(asking('1', '2048', '1'), info([gpuTypes]))[0]).toMatch(/^nothing in queue q/)
  })

  test('memory is judged on Fargate only: an EC2 environment does not say how much memory it has', () => {
    expect(diagnoseRunnable(asking('4', '200000'), info([env('f', {}, {maxvCpus: 16, type: 'FARGATE'})]))).toEqual([
      'the job asks for 200000 MiB of memory; a Fargate task of queue q can have at most 122880 MiB',
    ])
    expect(diagnoseRunnable(asking('4', '200000'), info([env('a')]))[0]).toMatch(/^nothing in queue q/)
  })

  test('an unmanaged environment has unknowable capacity: no vCPU verdict', () => {
    expect(
      diagnoseRunnable(asking('64'), info([env('own', {computeResources: undefined, type: 'UNMANAGED'})])),
    ).toEqual([
      'nothing in queue q or its compute environments rules the job out; it is probably waiting for capacity ' +
        '(desired/max: own ?/? vCPUs), for instances to start, or behind other jobs',
    ])
  })

  test('without the queue, only the job is judged', () => {
    expect(diagnoseRunnable(asking('1'))).toEqual([
      'its queue could not be described, so no cause can be named; check the queue and its compute environments',
    ])
  })
})
