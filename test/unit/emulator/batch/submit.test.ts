/** SubmitJob's checks, with AWS's messages where they are known. */
import {ApiError} from '../../../../src/emulator/contract'
import {describe1, harness, register} from './support'

const ARN = 'arn:aws:batch:us-east-1:000000000000'

describe('SubmitJob', () => {
  test.each([
    [{jobQueue: 'nope'}, 'JobQueue nope not found.'],
    [{jobDefinition: 'missing'}, 'JobDefinition name missing does not exist or is not in ACTIVE status.'],
    [{jobDefinition: 'jd:9'}, 'JobDefinition jd:9 does not exist or is not in ACTIVE status.'],
    [{jobDefinition: 'jd:latest'}, 'Provided name jd:latest is not supported pattern[a-zA-Z_0-9-]{1,128}'],
    [{jobName: '-bad'}, 'Job name should match valid pattern'],
    [
      {jobQueue: 'local-fargate'},
      'Job Queue is attached to Compute Environment that can not run Jobs with capability EC2.',
    ],
    [
      {containerOverrides: {command: ['echo', 'Ref::who']}},
      'Unable to substitute value. No parameter found for reference who',
    ],
    [
      {containerOverrides: {resourceRequirements: [{type: 'VCPU', value: 'abc'}]}},
      'Resource requirement VCPU has an invalid value "abc": expected a number greater than 0.',
    ],
    [{arrayProperties: {size: 1}}, 'arrayProperties size must be between 2 and 10000.'],
    [{retryStrategy: {attempts: 11}}, 'retryStrategy attempts must be between 1 and 10.'],
    [{dependsOn: [{jobId: 'nope'}]}, 'Dependent job nope does not exist.'],
    [{dependsOn: [{type: 'SEQUENTIAL'}]}, 'A dependency without jobId must be of type SEQUENTIAL, in an array job.'],
  ])('SubmitJob %j is refused: %s', async (change, message) => {
    const h = await harness()
    await register(h)
    let error: unknown
    try {
      await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'j', jobQueue: 'local', ...change})
    } catch (error_) {
      error = error_
    }

    expect(error instanceof ApiError ? [error.code, error.message, error.status] : error).toEqual([
      'ClientException',
      message,
      400,
    ])
    await h.service.stop!()
  })

  test('queue and definition by ARN; parameters from the definition and the submit; propagateTags from the definition', async () => {
    const h = await harness()
    await register(h, 'jd', {
      containerProperties: {command: ['echo', 'Ref::greeting', 'Ref::who'], image: 'x', memory: 256, vcpus: 1},
      parameters: {greeting: 'hello', who: 'world'},
      propagateTags: true,
    })
    const out = await h.call('SubmitJob', {
      jobDefinition: `${ARN}:job-definition/jd:1`,
      jobName: 'j',
      jobQueue: `${ARN}:job-queue/local`,
      parameters: {who: 'you'},
    })
    expect(Object.keys(out).sort()).toEqual(['jobArn', 'jobId', 'jobName'])
    expect(out.jobId).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/)
    const job = await describe1(h, out.jobId)
    expect([job.container.command, job.parameters, job.propagateTags, job.jobQueue]).toEqual([
      ['echo', 'hello', 'you'],
      {greeting: 'hello', who: 'you'},
      true,
      `${ARN}:job-queue/local`,
    ])
    await h.service.stop!()
  })

  test('DescribeJobs leaves unknown ids out and accepts job ARNs', async () => {
    const h = await harness()
    await register(h)
    const out = await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'j', jobQueue: 'local'})
    const {jobs} = await h.call('DescribeJobs', {jobs: ['nope', out.jobArn]})
    expect(jobs.map((j) => j.jobId)).toEqual([out.jobId])
    await h.service.stop!()
  })

  test('ListJobs by queue: the status filter and JOB_NAME filter, summaries in AWS shape', async () => {
    const h = await harness()
    await register(h)
    const a = await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'nightly-1', jobQueue: 'local'})
    const b = await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'nightly-2', jobQueue: 'local'})
    await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'adhoc', jobQueue: 'local'})
    h.ticks(3)
    h.runner.of(a.jobId).exit({exitCode: 4})
    const failed = await h.call('ListJobs', {jobQueue: 'local', jobStatus: 'FAILED'})
    expect(failed).toEqual({
      jobSummaryList: [
        {
          container: {exitCode: 4},
          createdAt: h.clock.t - 300,
          jobArn: a.jobArn,
          jobDefinition: `${ARN}:job-definition/jd:1`,
          jobId: a.jobId,
          jobName: 'nightly-1',
          startedAt: h.clock.t,
          status: 'FAILED',
          statusReason: 'Essential container in task exited',
          stoppedAt: h.clock.t,
        },
      ],
    })
    const byName = await h.call('ListJobs', {filters: [{name: 'JOB_NAME', values: ['nightly*']}], jobQueue: 'local'})
    expect(byName.jobSummaryList.map((j) => [j.jobName, j.status])).toEqual([
      ['nightly-2', 'RUNNING'],
      ['nightly-1', 'FAILED'],
    ])
    expect((await h.call('ListJobs', {jobQueue: 'local'})).jobSummaryList.map((j) => j.jobId)).toEqual([
      b.jobId,
      expect.any(String),
    ])
    await h.service.stop!()
  })
})
