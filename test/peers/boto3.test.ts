import {removeStateDir, startEmulator, TestEmulator} from '../helpers/emulator'
/**
 * boto3 drives the emulator through test/peers/boto3_peer.py: the same scenarios as the AWS CLI suite, plus what
 * only an SDK shows (the filter_log_events paginator, HTTP status codes, requests no client would validate).
 */
import {AwsErrorResult, boto3, boto3Call, requireBoto3} from './helpers/boto3'
import {registerPeerEmulator} from './helpers/credentials'
import {
  ComputeEnvironment,
  DEFAULT_LOG_GROUP,
  definitionInput,
  expectDefaultComputeEnvironments,
  expectDefaultQueues,
  FilteredEvent,
  JobDetail,
  JobQueue,
  JobSummary,
  TERMINAL,
} from './helpers/shapes'

const DEFINITION = 'peer-boto3'
let emulator: TestEmulator

interface WaitResult {
  job: JobDetail
  timedOut?: boolean
}

async function waitFor(jobId: string, statuses: string[], timeoutSeconds = 60): Promise<JobDetail> {
  const out = await boto3<WaitResult>(emulator.url, 'wait', {jobId, statuses, timeout: timeoutSeconds})
  if (out.timedOut) throw new Error(`job ${jobId} still ${out.job?.status} after ${timeoutSeconds} s`)
  return out.job
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => {
    made ??= make()
    return made
  }
}

const registered = once(() =>
  boto3Call<{jobDefinitionArn: string; jobDefinitionName: string; revision: number}>(
    emulator.url,
    'batch',
    'register_job_definition',
    definitionInput(DEFINITION),
  ),
)

async function submit(jobName: string, command: string[]): Promise<string> {
  await registered()
  const params = {containerOverrides: {command}, jobDefinition: DEFINITION, jobName, jobQueue: 'local'}
  const out = await boto3Call<{jobId: string; jobName: string}>(emulator.url, 'batch', 'submit_job', params)
  expect(out.jobName).toBe(jobName)
  return out.jobId
}

const echoJob = once(async () => waitFor(await submit('peer-boto3-echo', ['echo', 'hello']), TERMINAL))
const exit7Job = once(async () => waitFor(await submit('peer-boto3-exit7', ['sh', '-c', 'exit 7']), TERMINAL))

/** Every page of list_jobs on queue `local`, through boto3's paginator. */
async function listJobs(params: Record<string, unknown>): Promise<JobSummary[]> {
  const {pages} = await boto3<{pages: Array<{jobSummaryList: JobSummary[]}>}>(emulator.url, 'paginate', {
    operation: 'list_jobs',
    params: {jobQueue: 'local', ...params},
    service: 'batch',
  })
  return pages.flatMap((page) => page.jobSummaryList)
}

/** A call made with client-side validation off, that must fail. */
async function rejected(operation: string, params: Record<string, unknown>): Promise<AwsErrorResult['error']> {
  const out = await boto3<Partial<AwsErrorResult>>(emulator.url, 'call', {
    operation,
    params,
    service: 'batch',
    validate: false,
  })
  if (!out.error) throw new Error(`${operation} ${JSON.stringify(params)} succeeded: ${JSON.stringify(out)}`)
  return out.error
}

describe('boto3 against the emulator', () => {
  beforeAll(async () => {
    requireBoto3()
    emulator = await startEmulator()
    registerPeerEmulator(emulator)
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('describe_job_queues and describe_compute_environments show the two default queues', async () => {
    const {jobQueues} = await boto3Call<{jobQueues: JobQueue[]}>(emulator.url, 'batch', 'describe_job_queues')
    expectDefaultQueues(jobQueues)
    const {computeEnvironments} = await boto3Call<{computeEnvironments: ComputeEnvironment[]}>(
      emulator.url,
      'batch',
      'describe_compute_environments',
      {computeEnvironments: ['local-ec2', 'local-fargate']},
    )
    expectDefaultComputeEnvironments(computeEnvironments)
  })

  test('register_job_definition gives revision 1, a second one revision 2', async () => {
    const first = await registered()
    expect([first.jobDefinitionName, first.revision]).toEqual([DEFINITION, 1])
    const second = await boto3Call<{revision: number}>(
      emulator.url,
      'batch',
      'register_job_definition',
      definitionInput(`${DEFINITION}-revisions`),
    )
    const third = await boto3Call<{revision: number}>(
      emulator.url,
      'batch',
      'register_job_definition',
      definitionInput(`${DEFINITION}-revisions`),
    )
    expect([second.revision, third.revision]).toEqual([1, 2])
  })

  test('submit_job `echo hello` ends SUCCEEDED with exit code 0', async () => {
    const job = await echoJob()
    expect([job.status, job.container?.exitCode]).toEqual(['SUCCEEDED', 0])
    expect(job.container?.logStreamName).toMatch(new RegExp(`^${DEFINITION}/default/\\S+$`))
  })

  test('get_log_events shows hello, and the forward token repeats at the end of the stream', async () => {
    const stream = (await echoJob()).container?.logStreamName
    const out = await boto3<{calls: number; endedOnSameToken: boolean; messages: string[]}>(emulator.url, 'read_log', {
      group: DEFAULT_LOG_GROUP,
      stream,
    })
    expect(out).toEqual({calls: 2, endedOnSameToken: true, messages: ['hello']})
  })

  test('the filter_log_events paginator shows hello, with eventId and logStreamName', async () => {
    const stream = (await echoJob()).container?.logStreamName ?? ''
    const params = {logGroupName: DEFAULT_LOG_GROUP, logStreamNames: [stream], startTime: Date.now() - 3_600_000}
    const {pages} = await boto3<{pages: Array<{events: FilteredEvent[]; nextToken?: string}>}>(
      emulator.url,
      'paginate',
      {
        operation: 'filter_log_events',
        params,
        service: 'logs',
      },
    )
    const events = pages.flatMap((page) => page.events)
    expect(events.map((e) => [e.logStreamName, e.message])).toEqual([[stream, 'hello']])
    expect(events[0].eventId).toEqual(expect.any(String))
    expect(pages.at(-1)?.nextToken).toBeUndefined()
  })

  test("submit_job `sh -c 'exit 7'` ends FAILED with exit code 7", async () => {
    const job = await exit7Job()
    expect([job.status, job.container?.exitCode]).toEqual(['FAILED', 7])
  })

  test('terminate_job on a running `sleep 600` makes it FAILED within 5 s, with the reason', async () => {
    const jobId = await submit('peer-boto3-sleep', ['sleep', '600'])
    await waitFor(jobId, ['RUNNING'])
    // Without a status or a filter ListJobs returns only RUNNING jobs (API reference; moto 5 returns every status).
    const running = await listJobs({})
    expect(running.map((j) => [j.jobId, j.status])).toEqual([[jobId, 'RUNNING']])
    const reason = 'peer test: stop the sleeper'
    await boto3Call(emulator.url, 'batch', 'terminate_job', {jobId, reason})
    const job = await waitFor(jobId, TERMINAL, 5)
    expect([job.status, job.statusReason]).toEqual(['FAILED', reason])
  })

  test('list_jobs by status and by a JOB_NAME filter, through the paginator', async () => {
    const echo = await echoJob()
    const exit7 = await exit7Job()
    const succeeded = await listJobs({jobStatus: 'SUCCEEDED'})
    expect(succeeded.map((j) => [j.jobId, j.jobName, j.status])).toEqual([[echo.jobId, 'peer-boto3-echo', 'SUCCEEDED']])
    const prefix = await listJobs({filters: [{name: 'JOB_NAME', values: ['peer-boto3-e*']}]})
    expect(prefix.map((j) => j.jobId).sort()).toEqual([echo.jobId, exit7.jobId].sort())
  })

  test('submit_job without jobQueue (client validation off) gets a 400 ClientException naming jobQueue', async () => {
    await registered()
    const error = await rejected('submit_job', {jobDefinition: DEFINITION, jobName: 'peer-boto3-no-queue'})
    expect([error.status, error.code]).toEqual([400, 'ClientException'])
    expect(error.message).toContain('jobQueue')
  })

  test('a vCPU of "abc" gets a 400 ClientException naming VCPU', async () => {
    await registered()
    const containerOverrides = {command: ['true'], resourceRequirements: [{type: 'VCPU', value: 'abc'}]}
    const error = await rejected('submit_job', {
      containerOverrides,
      jobDefinition: DEFINITION,
      jobName: 'peer-boto3-bad',
      jobQueue: 'local',
    })
    expect([error.status, error.code]).toEqual([400, 'ClientException'])
    expect(error.message).toMatch(/vcpu/i)
  })

  test('an unknown job queue gets a 400 ClientException naming it', async () => {
    await registered()
    const error = await rejected('submit_job', {jobDefinition: DEFINITION, jobName: 'peer-boto3-q', jobQueue: 'nope'})
    expect([error.status, error.code]).toEqual([400, 'ClientException'])
    expect(error.message).toContain('nope')
  })
})
