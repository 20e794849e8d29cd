import type {ComputeEnvironmentDetail, JobQueueDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../../../../src/batch/clients'

import {chooseQueue, describeQueue, platformOfEnvironment} from '../../../../src/batch/queues/platform'
import {RuntimeError} from '../../../../src/errors'
import {arn, queue} from './fixtures'

function ce(name: string, fields: Partial<ComputeEnvironmentDetail>): ComputeEnvironmentDetail {
  return {
    computeEnvironmentArn: arn('compute-environment', name),
    computeEnvironmentName: name,
    state: 'ENABLED',
    status: 'VALID',
    type: 'MANAGED',
    ...fields,
  }
}

/** A Batch that knows these queues and compute environments, and counts its calls. */
function fakeBatch(queues: JobQueueDetail[], envs: ComputeEnvironmentDetail[]) {
  const calls: string[] = []
  const batch = {
    async describeComputeEnvironments({computeEnvironments = []}) {
      calls.push(`DescribeComputeEnvironments ${computeEnvironments.join(',')}`)
      return {
        $metadata: {},
        computeEnvironments: envs.filter((e) => computeEnvironments.includes(e.computeEnvironmentArn!)),
      }
    },
    async describeJobQueues({jobQueues}) {
      calls.push(`DescribeJobQueues ${jobQueues?.join(',') ?? '(all)'}`)
      const found = jobQueues
        ? queues.filter((q) => jobQueues.includes(q.jobQueueName!) || jobQueues.includes(q.jobQueueArn!))
        : queues
      return {$metadata: {}, jobQueues: found}
    },
  } as Pick<BatchApi, 'describeComputeEnvironments' | 'describeJobQueues'> as BatchApi
  return {batch, calls}
}

const ec2 = ce('ec2-ce', {computeResources: {maxvCpus: 16, type: 'EC2'}})
const spot = ce('spot-ce', {computeResources: {maxvCpus: 16, type: 'SPOT'}})
const fargate = ce('fargate-ce', {computeResources: {maxvCpus: 64, type: 'FARGATE'}})
const fargateSpot = ce('fargate-spot-ce', {computeResources: {maxvCpus: 64, type: 'FARGATE_SPOT'}})
const unmanaged = ce('own-ce', {type: 'UNMANAGED'})

describe('platform of a compute environment', () => {
  test.each([
    [ec2, 'EC2'],
    [spot, 'EC2'],
    [fargate, 'FARGATE'],
    [fargateSpot, 'FARGATE'],
    [unmanaged, 'EC2'],
  ])('%# %s', (env, platform) => {
    expect(platformOfEnvironment(env)).toBe(platform)
  })
})

describe('chooseQueue', () => {
  const queues = [
    queue('off', [['ec2-ce', 1]], {state: 'DISABLED'}),
    queue('mixed', [
      ['ec2-ce', 2],
      ['fargate-spot-ce', 1],
    ]),
    queue('gpu', [['spot-ce', 1]]),
  ]
  const envs = [ec2, spot, fargate, fargateSpot, unmanaged]

  test('auto: the first compute environment by order decides, not the first listed', async () => {
    const {batch, calls} = fakeBatch(queues, envs)
    const choice = await chooseQueue(batch, 'mixed', 'auto')
    expect(choice.platform).toBe('FARGATE')
    expect(choice.defaulted).toBe(false)
    expect(choice.info.computeEnvironments.map((e) => e.computeEnvironmentName)).toEqual(['fargate-spot-ce', 'ec2-ce'])
    expect(calls).toEqual([
      'DescribeJobQueues mixed',
      `DescribeComputeEnvironments ${arn('compute-environment', 'fargate-spot-ce')},${arn('compute-environment', 'ec2-ce')}`,
    ])
  })

  test('a given platform wins over auto', async () => {
    const {batch} = fakeBatch(queues, envs)
    expect((await chooseQueue(batch, 'mixed', 'ec2')).platform).toBe('EC2')
  })

  test('no queue set: the first ENABLED and VALID queue, said to be a default', async () => {
    const {batch} = fakeBatch(queues, envs)
    const choice = await chooseQueue(batch, undefined, 'auto')
    expect(choice).toMatchObject({defaulted: true, platform: 'FARGATE', queue: 'mixed'})
  })

  test('a queue that does not exist: a sentence with the queues that do and where to set it', async () => {
    const {batch} = fakeBatch(queues, envs)
    await expect(chooseQueue(batch, 'nope')).rejects.toThrow(
      new RuntimeError(
        'job queue "nope" not found; queues that exist: off (DISABLED, VALID), mixed, gpu. Set it with --queue, ' +
          'the environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`.',
      ),
    )
  })

  test('no usable queue at all', async () => {
    const {batch} = fakeBatch([queues[0]], envs)
    await expect(chooseQueue(batch)).rejects.toThrow(
      'no job queue set and none is ENABLED and VALID; queues that exist: off (DISABLED, VALID).',
    )
  })

  test('a queue without compute environments cannot say its platform', async () => {
    const {batch} = fakeBatch([queue('empty', [])], envs)
    await expect(chooseQueue(batch, 'empty')).rejects.toThrow('job queue "empty" has no compute environment')
    expect((await describeQueue(batch, 'empty')).computeEnvironments).toEqual([])
  })
})
