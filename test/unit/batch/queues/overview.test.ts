import type {ComputeEnvironmentDetail, ListJobsCommandInput} from '@aws-sdk/client-batch'

import type {BatchApi} from '../../../../src/batch/clients'

import {environmentGpus, pickDefault, queuesOverview} from '../../../../src/batch/queues/overview'
import {arn, queue} from './fixtures'

function ce(name: string, type: string, instanceTypes?: string[], fields: Partial<ComputeEnvironmentDetail> = {}) {
  return {
    computeEnvironmentArn: arn('compute-environment', name),
    computeEnvironmentName: name,
    computeResources: {instanceTypes, maxvCpus: 256, subnets: [], type},
    state: 'ENABLED',
    status: 'VALID',
    statusReason: 'ComputeEnvironment Healthy',
    type: 'MANAGED',
    ...fields,
  } as ComputeEnvironmentDetail
}

describe('queues overview', () => {
  test.each([
    [['p3.2xlarge', 'c5.large'], true],
    [['g5'], true],
    [['optimal'], false],
    [['c5.large', 'm5', 'default_x86_64'], false],
    [['inf2.xlarge'], null],
    [[], null],
  ] as const)('EC2 instance types %j: GPUs %s', (types, gpus) => {
    expect(environmentGpus(ce('x', 'EC2', [...types]))).toBe(gpus)
  })

  test('Fargate has no GPUs', () => {
    expect(environmentGpus(ce('x', 'FARGATE_SPOT'))).toBe(false)
  })

  test('the default: the configured queue by name or ARN, else the first ENABLED and VALID', () => {
    const queues = [queue('off', [], {state: 'DISABLED'}), queue('broken', [], {status: 'INVALID'}), queue('ok', [])]
    expect(pickDefault(queues)).toEqual({name: 'ok', source: 'first usable'})
    expect(pickDefault(queues, arn('job-queue', 'off'))).toEqual({name: 'off', source: 'configured'})
    expect(pickDefault(queues.slice(0, 2))).toEqual({name: null, source: null})
  })

  test('counts page through ListJobs; environments in order; reasons only where something is wrong', async () => {
    const listed: ListJobsCommandInput[] = []
    const batch = {
      describeComputeEnvironments: async () => ({
        computeEnvironments: [
          ce('spot', 'SPOT', ['p3.2xlarge'], {state: 'DISABLED', statusReason: 'turned off'}),
          ce('ondemand', 'EC2', ['optimal']),
        ],
      }),
      describeJobQueues: async () => ({
        jobQueues: [
          queue('gpu', [
            ['ondemand', 2],
            ['spot', 1],
          ]),
          queue('cpu', [['ondemand', 1]], {state: 'DISABLED'}),
        ],
      }),
      async listJobs(input: ListJobsCommandInput) {
        listed.push(input)
        // 250 RUNNABLE jobs in three pages on queue gpu; nothing anywhere else.
        if (input.jobStatus !== 'RUNNABLE' || input.jobQueue !== arn('job-queue', 'gpu')) return {jobSummaryList: []}
        const page = Number(input.nextToken ?? 0)
        const size = page < 2 ? 100 : 50
        return {
          jobSummaryList: Array.from({length: size}, (_, i) => ({jobId: `${page}-${i}`, jobName: 'j'})),
          nextToken: page < 2 ? String(page + 1) : undefined,
        }
      },
    } as unknown as BatchApi
    const overview = await queuesOverview(batch)
    expect(overview.defaultQueue).toBe('gpu')
    expect(overview.queues.map((q) => [q.name, q.default, q.platform, q.runnable, q.running, q.statusReason])).toEqual([
      ['gpu', true, 'SPOT', 250, 0, null],
      ['cpu', false, 'EC2', 0, 0, 'JobQueue Healthy'],
    ])
    expect(overview.queues[0].computeEnvironments.map((e) => [e.name, e.order, e.gpus, e.statusReason])).toEqual([
      ['spot', 1, true, 'turned off'],
      ['ondemand', 2, false, null],
    ])
    expect(listed.filter((input) => input.jobQueue === arn('job-queue', 'gpu'))).toHaveLength(4)
    expect(listed.every((input) => input.maxResults === 100)).toBe(true)
  })
})
