import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../../../../src/batch/clients'

import {SUBMISSION_TAG, submitJob} from '../../../../src/batch/submit/once'
import {awsError, FakeClock, job} from '../logs/logs-fakes'

/**
 * A Batch holding definitions and jobs. `submitFaults` are applied to SubmitJob calls in turn: 'before' fails
 * without making a job, 'after' makes the job and then loses the answer (what a reset connection looks like).
 */
function fakeBatch(submitFaults: Array<'after' | 'before' | 'client' | 'throttle'> = [], definitions: string[] = []) {
  const calls: string[] = []
  const jobs: JobDetail[] = []
  let revision = 0
  type Used = 'describeJobDefinitions' | 'describeJobs' | 'listJobs' | 'registerJobDefinition' | 'submitJob'
  const batch: Pick<BatchApi, Used> = {
    async describeJobDefinitions({jobDefinitionName}) {
      calls.push('DescribeJobDefinitions')
      const found = definitions.filter((d) => d.startsWith(`${jobDefinitionName}:`))
      return {
        $metadata: {},
        jobDefinitions: found.map((d) => ({
          jobDefinitionArn: `arn:${d}`,
          jobDefinitionName: d,
          revision: Number(d.split(':')[1]),
          status: 'ACTIVE',
          type: 'container',
        })),
      }
    },
    async describeJobs({jobs: ids}) {
      calls.push('DescribeJobs')
      return {$metadata: {}, jobs: jobs.filter((j) => ids?.includes(j.jobId!))}
    },
    async listJobs({filters, jobQueue}) {
      calls.push('ListJobs')
      const name = filters?.[0].values?.[0]
      return {
        $metadata: {},
        jobSummaryList: jobs
          .filter((j) => j.jobName === name && j.jobQueue === jobQueue)
          .map((j) => ({jobId: j.jobId, jobName: j.jobName})),
      }
    },
    async registerJobDefinition({jobDefinitionName}) {
      calls.push('RegisterJobDefinition')
      revision++
      definitions.push(`${jobDefinitionName}:${revision}`)
      return {$metadata: {}, jobDefinitionArn: `arn:${jobDefinitionName}:${revision}`, jobDefinitionName, revision}
    },
    async submitJob(input) {
      calls.push('SubmitJob')
      const fault = submitFaults.shift()
      if (fault === 'before') throw awsError('InternalServerError', 500)
      if (fault === 'throttle') throw awsError('TooManyRequestsException', 429)
      if (fault === 'client') throw awsError('ClientException', 400, 'Job queue is disabled')
      const made: JobDetail = {
        jobArn: `arn:job/${jobs.length}`,
        jobDefinition: input.jobDefinition,
        jobId: `id-${jobs.length}`,
        jobName: input.jobName,
        jobQueue: input.jobQueue,
        startedAt: undefined,
        status: 'SUBMITTED',
        tags: input.tags,
      }
      jobs.push(made)
      if (fault === 'after') throw Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'})
      return {$metadata: {}, jobArn: made.jobArn, jobId: made.jobId, jobName: made.jobName}
    },
  }
  return {batch: batch as BatchApi, calls, jobs}
}

const requests = {
  registerJobDefinition: {
    containerProperties: {image: 'python:3.11'},
    jobDefinitionName: 'mfbatch_abc',
    type: 'container' as const,
  },
  submitJob: {jobDefinition: 'mfbatch_abc', jobName: 'hello', jobQueue: 'local', tags: {team: 'x'}},
}
const options = () => ({clock: new FakeClock(), random: () => 0.5, submissionId: 'token-1'})

describe('submitJob', () => {
  test('registers a missing definition, then submits once, with our mark among the tags', async () => {
    const {batch, calls, jobs} = fakeBatch()
    const made = await submitJob(batch, requests, options())
    expect(made).toEqual({
      jobArn: 'arn:job/0',
      jobDefinition: 'arn:mfbatch_abc:1',
      jobId: 'id-0',
      jobName: 'hello',
      jobQueue: 'local',
      registered: true,
    })
    expect(calls).toEqual(['DescribeJobDefinitions', 'RegisterJobDefinition', 'SubmitJob'])
    expect(jobs[0].tags).toEqual({[SUBMISSION_TAG]: 'token-1', team: 'x'})
  })

  test('reuses the latest ACTIVE definition of the same name: nothing registered', async () => {
    const {batch, calls} = fakeBatch([], ['mfbatch_abc:1', 'mfbatch_abc:3', 'other:1'])
    const made = await submitJob(batch, requests, options())
    expect(made).toMatchObject({jobDefinition: 'arn:mfbatch_abc:3', registered: false})
    expect(calls).toEqual(['DescribeJobDefinitions', 'SubmitJob'])
  })

  test('an answer lost after the job was made: found by name and mark, not submitted again', async () => {
    const {batch, calls, jobs} = fakeBatch(['after'], ['mfbatch_abc:1'])
    const made = await submitJob(batch, requests, options())
    expect(jobs).toHaveLength(1)
    expect(made.jobId).toBe('id-0')
    expect(calls).toEqual(['DescribeJobDefinitions', 'SubmitJob', 'ListJobs', 'DescribeJobs'])
  })

  test('a job of the same name that is not ours does not count: submitted again, one new job', async () => {
    const {batch, jobs} = fakeBatch(['before'], ['mfbatch_abc:1'])
    jobs.push(job({id: 'older', jobQueue: 'local', tags: {[SUBMISSION_TAG]: 'someone-else'}}))
    const made = await submitJob(batch, requests, options())
    expect(made.jobId).toBe('id-1')
    expect(jobs.map((j) => j.jobId)).toEqual(['older', 'id-1'])
  })

  test('throttling is retried without a lookup: a 429 made nothing', async () => {
    const {batch, calls} = fakeBatch(['throttle', 'throttle'], ['mfbatch_abc:1'])
    await submitJob(batch, requests, options())
    expect(calls).toEqual(['DescribeJobDefinitions', 'SubmitJob', 'SubmitJob', 'SubmitJob'])
  })

  test('a client error is not retried and reads as a sentence', async () => {
    const {batch, calls} = fakeBatch(['client'], ['mfbatch_abc:1'])
    await expect(submitJob(batch, requests, options())).rejects.toThrow(
      'SubmitJob failed (ClientException): Job queue is disabled',
    )
    expect(calls).toEqual(['DescribeJobDefinitions', 'SubmitJob'])
  })

  test('gives up after six attempts', async () => {
    const {batch, calls} = fakeBatch(
      Array.from({length: 6}, () => 'throttle' as const),
      ['mfbatch_abc:1'],
    )
    await expect(submitJob(batch, requests, options())).rejects.toThrow('SubmitJob failed (TooManyRequestsException)')
    expect(calls.filter((c) => c === 'SubmitJob')).toHaveLength(6)
  })
})
