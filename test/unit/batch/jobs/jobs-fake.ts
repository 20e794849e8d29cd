import type {JobDetail, JobSummary} from '@aws-sdk/client-batch'

import type {BatchApi} from '../../../../src/batch/clients'

/** An AWS-shaped error, as the SDK throws them. */
export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {$metadata: {httpStatusCode: status}, name})
}

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
}

export function job(n: number, status: string, extra: Partial<JobDetail> = {}): JobDetail {
  return {
    createdAt: 1_700_000_000_000 + n * 1000,
    jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/mfbatch_x:1',
    jobId: uuid(n),
    jobName: `job-${n}`,
    jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/q',
    startedAt: undefined,
    status: status as JobDetail['status'],
    ...extra,
  }
}

export function summary(n: number, status: string, name = `job-${n}`): JobSummary {
  return {
    createdAt: 1_700_000_000_000 + n * 1000,
    jobId: uuid(n),
    jobName: name,
    status: status as JobSummary['status'],
  }
}

/**
 * A BatchApi over a fixed set of jobs: DescribeJobs answers the known ids; every call is recorded. Operations a
 * test does not define reject, so an unexpected call fails the test.
 */
export function fakeBatch(jobs: JobDetail[], overrides: Partial<BatchApi> = {}): {batch: BatchApi; calls: string[]} {
  const calls: string[] = []
  const byId = new Map(jobs.map((j) => [j.jobId!, j]))
  const unexpected = (name: string) => async () => {
    calls.push(name)
    throw new Error(`unexpected ${name}`)
  }

  const record =
    <I, O>(name: string, fn: (input: I) => Promise<O>) =>
    (input: I) => {
      calls.push(name)
      return fn(input)
    }

  const batch = {
    cancelJob: unexpected('CancelJob'),
    describeComputeEnvironments: unexpected('DescribeComputeEnvironments'),
    describeJobDefinitions: unexpected('DescribeJobDefinitions'),
    describeJobQueues: unexpected('DescribeJobQueues'),
    describeJobs: async (input: {jobs?: string[]}) => ({
      $metadata: {},
      jobs: (input.jobs ?? []).flatMap((id) => byId.get(id) ?? []),
    }),
    listJobs: unexpected('ListJobs'),
    registerJobDefinition: unexpected('RegisterJobDefinition'),
    submitJob: unexpected('SubmitJob'),
    terminateJob: unexpected('TerminateJob'),
    // An endpoint without the bulk operation, unless a test gives one: kill then falls back to TerminateJob.
    async terminateJobs() {
      calls.push('TerminateJobs')
      throw awsError('UnknownOperationException', 'Unknown operation POST /v1/terminatejobs', 404)
    },
    ...overrides,
  } as unknown as BatchApi
  const wrapped = Object.fromEntries(
    Object.entries(batch).map(([name, fn]) => [
      name,
      name in overrides || name === 'describeJobs'
        ? record(name.charAt(0).toUpperCase() + name.slice(1), fn as (input: unknown) => Promise<unknown>)
        : fn,
    ]),
  ) as unknown as BatchApi
  return {batch: wrapped, calls}
}
