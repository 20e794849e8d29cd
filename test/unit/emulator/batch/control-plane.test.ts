/** Compute environments, queues, job definitions and tags through the service's operation handlers. */
import {ApiError} from '../../../../src/emulator/contract'
import {harness, register} from './support'

const ARN = 'arn:aws:batch:us-east-1:000000000000'

async function refused(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiError) return [error.code, error.message]
    throw error
  }

  throw new Error('expected an ApiError')
}

describe('Batch control plane', () => {
  test('a new state dir starts with local (EC2) and local-fargate (FARGATE), ENABLED and VALID', async () => {
    const h = await harness({capacity: {memoryMiB: 4096, vcpus: 3}})
    const ces = (await h.call('DescribeComputeEnvironments', {})).computeEnvironments
    expect(
      ces.map((ce) => [
        ce.computeEnvironmentName,
        ce.computeEnvironmentArn,
        ce.type,
        ce.state,
        ce.status,
        ce.computeResources.type,
        ce.computeResources.maxvCpus,
      ]),
    ).toEqual([
      ['local-ec2', `${ARN}:compute-environment/local-ec2`, 'MANAGED', 'ENABLED', 'VALID', 'EC2', 3],
      ['local-fargate', `${ARN}:compute-environment/local-fargate`, 'MANAGED', 'ENABLED', 'VALID', 'FARGATE', 3],
    ])
    expect((await h.call('DescribeJobQueues', {jobQueues: ['local-fargate']})).jobQueues).toEqual([
      {
        computeEnvironmentOrder: [{computeEnvironment: `${ARN}:compute-environment/local-fargate`, order: 1}],
        jobQueueArn: `${ARN}:job-queue/local-fargate`,
        jobQueueName: 'local-fargate',
        jobQueueType: 'ECS',
        priority: 1,
        state: 'ENABLED',
        status: 'VALID',
        statusReason: 'JobQueue Healthy',
        tags: {},
      },
    ])
    await h.service.stop!()
  })

  test('compute environments and queues: create, update, refuse duplicates and unsafe deletes, delete', async () => {
    const h = await harness()
    const ce = {
      computeEnvironmentName: 'big',
      computeResources: {maxvCpus: 64, subnets: [], type: 'EC2'},
      type: 'MANAGED',
    }
    expect(await h.call('CreateComputeEnvironment', ce)).toEqual({
      computeEnvironmentArn: `${ARN}:compute-environment/big`,
      computeEnvironmentName: 'big',
    })
    expect(await refused(h.call('CreateComputeEnvironment', ce))).toEqual(['ClientException', 'Object already exists'])
    await h.call('CreateJobQueue', {
      computeEnvironmentOrder: [
        {computeEnvironment: 'local-ec2', order: 2},
        {computeEnvironment: `${ARN}:compute-environment/big`, order: 1},
      ],
      jobQueueName: 'q',
      priority: 10,
    })
    expect(await refused(h.call('DeleteComputeEnvironment', {computeEnvironment: 'big'}))).toEqual([
      'ClientException',
      'Cannot delete, found existing JobQueue relationship',
    ])
    expect(await refused(h.call('DeleteJobQueue', {jobQueue: 'q'}))).toEqual([
      'ClientException',
      'Job queue q must be DISABLED before it is deleted.',
    ])
    await h.call('UpdateJobQueue', {jobQueue: `${ARN}:job-queue/q`, priority: 5, state: 'DISABLED'})
    expect((await h.call('DescribeJobQueues', {jobQueues: ['q']})).jobQueues.map((q) => [q.priority, q.state])).toEqual(
      [[5, 'DISABLED']],
    )
    expect(await h.call('DeleteJobQueue', {jobQueue: 'q'})).toEqual({})
    await h.call('UpdateComputeEnvironment', {
      computeEnvironment: 'big',
      computeResources: {maxvCpus: 8},
      state: 'DISABLED',
    })
    const big = (await h.call('DescribeComputeEnvironments', {computeEnvironments: ['big']})).computeEnvironments[0]
    expect([big.state, big.computeResources]).toEqual(['DISABLED', {maxvCpus: 8, subnets: [], type: 'EC2'}])
    expect(await h.call('DeleteComputeEnvironment', {computeEnvironment: 'big'})).toEqual({})
    expect((await h.call('DescribeJobQueues', {})).jobQueues.map((q) => q.jobQueueName)).toEqual([
      'local',
      'local-fargate',
    ])
    expect(await refused(h.call('DescribeJobQueues', {jobQueues: ['local'], maxResults: 1}))).toEqual([
      'ClientException',
      'JobQueues and MaxResults cannot both be set',
    ])
    await h.service.stop!()
  })

  test('job definitions: revisions, lookups by name / name:revision / ARN / status, deregistration, paging', async () => {
    const h = await harness()
    expect(await register(h)).toEqual({
      jobDefinitionArn: `${ARN}:job-definition/jd:1`,
      jobDefinitionName: 'jd',
      revision: 1,
    })
    await register(h, 'jd', {propagateTags: true, tags: {a: 'b'}})
    await register(h, 'other')
    await h.call('DeregisterJobDefinition', {jobDefinition: 'jd:1'})
    const names = async (input: Record<string, unknown>) =>
      (await h.call('DescribeJobDefinitions', input)).jobDefinitions.map(
        (d) => `${d.jobDefinitionName}:${d.revision}:${d.status}`,
      )
    expect(await names({})).toEqual(['jd:1:INACTIVE', 'jd:2:ACTIVE', 'other:1:ACTIVE'])
    expect(await names({jobDefinitionName: 'jd', status: 'ACTIVE'})).toEqual(['jd:2:ACTIVE'])
    expect(await names({jobDefinitions: ['jd:1', `${ARN}:job-definition/other:1`]})).toEqual([
      'jd:1:INACTIVE',
      'other:1:ACTIVE',
    ])
    expect(await names({jobDefinitions: ['jd']})).toEqual(['jd:1:INACTIVE', 'jd:2:ACTIVE'])
    const page1 = await h.call('DescribeJobDefinitions', {maxResults: 2})
    const page2 = await h.call('DescribeJobDefinitions', {maxResults: 2, nextToken: page1.nextToken})
    expect([page1.jobDefinitions.length, page2.jobDefinitions.length, page2.nextToken]).toEqual([2, 1, undefined])
    const jd2 = (await h.call('DescribeJobDefinitions', {jobDefinitions: ['jd:2']})).jobDefinitions[0]
    expect(jd2).toEqual({
      containerOrchestrationType: 'ECS',
      containerProperties: {
        command: ['echo', 'hello'],
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '512'},
        ],
      },
      jobDefinitionArn: `${ARN}:job-definition/jd:2`,
      jobDefinitionName: 'jd',
      parameters: {},
      platformCapabilities: ['EC2'],
      propagateTags: true,
      revision: 2,
      status: 'ACTIVE',
      tags: {a: 'b'},
      type: 'container',
    })
    expect(await refused(register(h, 'bad', {containerProperties: {image: 'x', vcpus: 1}}))).toEqual([
      'ClientException',
      'containerProperties must contain memory',
    ])
    await h.service.stop!()
  })

  test('queue and compute environment names: up to 128 letters, numbers, - and _, as AWS documents them', async () => {
    const h = await harness()
    const order = [{computeEnvironment: 'local-ec2', order: 1}]
    const queue = (jobQueueName: string) =>
      h.call('CreateJobQueue', {computeEnvironmentOrder: order, jobQueueName, priority: 1})
    const ce = (computeEnvironmentName: string) =>
      h.call('CreateComputeEnvironment', {
        computeEnvironmentName,
        computeResources: {maxvCpus: 1, subnets: [], type: 'EC2'},
        type: 'MANAGED',
      })
    const rule = 'use 1 to 128 letters, numbers, hyphens (-) and underscores (_).'
    expect(await refused(queue('evil\u001B[31mred'))).toEqual([
      'ClientException',
      `Job queue name "evil\\u001b[31mred" is not valid: ${rule}`,
    ])
    expect(await refused(queue('a'.repeat(129)))).toEqual([
      'ClientException',
      `Job queue name "${'a'.repeat(129)}" is not valid: ${rule}`,
    ])
    expect(await refused(queue(''))).toEqual(['ClientException', `Job queue name "" is not valid: ${rule}`])
    expect(await refused(ce('gpu pool'))).toEqual([
      'ClientException',
      `Compute environment name "gpu pool" is not valid: ${rule}`,
    ])
    expect(await queue(`Q_${'a'.repeat(124)}-9`)).toMatchObject({jobQueueName: `Q_${'a'.repeat(124)}-9`})
    expect(await ce('gpu_pool-2')).toMatchObject({computeEnvironmentName: 'gpu_pool-2'})
    await h.service.stop!()
  })

  test('tags on definitions, queues, environments and jobs, by ARN', async () => {
    const h = await harness()
    await register(h)
    const job = await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'j', jobQueue: 'local', tags: {x: '1'}})
    for (const arn of [
      `${ARN}:job-definition/jd:1`,
      `${ARN}:job-queue/local`,
      `${ARN}:compute-environment/local-ec2`,
      job.jobArn,
    ]) {
      // eslint-disable-next-line no-await-in-loop
      await h.call('TagResource', {resourceArn: arn, tags: {k1: 'v1', k2: 'v2'}})
      // eslint-disable-next-line no-await-in-loop
      await h.call('UntagResource', {resourceArn: arn, tagKeys: ['k1']})
    }

    const tags = async (arn: string) => (await h.call('ListTagsForResource', {resourceArn: arn})).tags
    expect(await tags(`${ARN}:job-definition/jd:1`)).toEqual({k2: 'v2'})
    expect(await tags(`${ARN}:job-queue/local`)).toEqual({k2: 'v2'})
    expect(await tags(`${ARN}:compute-environment/local-ec2`)).toEqual({k2: 'v2'})
    expect(await tags(job.jobArn)).toEqual({k2: 'v2', x: '1'})
    expect(await refused(tags(`${ARN}:job-queue/nope`))).toEqual([
      'ClientException',
      `Resource ${ARN}:job-queue/nope does not exist.`,
    ])
    await h.service.stop!()
  })
})
