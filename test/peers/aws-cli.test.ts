import {removeStateDir, startEmulator, TestEmulator} from '../helpers/emulator'
/**
 * The AWS CLI v2 drives the emulator. Every call is the real CLI as a user would type it, so a pass means the
 * emulator's routes, shapes, errors and log semantics are what AWS's own client expects.
 */
import {aws, awsJson, configWithoutValidation, requireAwsCli} from './helpers/aws-cli'
import {registerPeerEmulator} from './helpers/credentials'
import {
  ComputeEnvironment,
  DEFAULT_LOG_GROUP,
  definitionInput,
  expectDefaultComputeEnvironments,
  expectDefaultQueues,
  JobDetail,
  JobQueue,
  JobSummary,
  TERMINAL,
} from './helpers/shapes'

const DEFINITION = 'peer-cli'
let emulator: TestEmulator

const cli = <T>(...args: string[]): Promise<T> => awsJson<T>(emulator.url, args)

async function describeJob(jobId: string): Promise<JobDetail> {
  const {jobs} = await cli<{jobs: JobDetail[]}>('batch', 'describe-jobs', '--jobs', jobId)
  expect(jobs.map((job) => job.jobId)).toEqual([jobId])
  return jobs[0]
}

/** Polls describe-jobs (each CLI run takes about a second) until the job has one of `statuses`. */
async function waitFor(jobId: string, statuses: string[], timeoutMs = 60_000): Promise<JobDetail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- a poll: one describe at a time
    const job = await describeJob(jobId)
    if (statuses.includes(job.status)) return job
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`)
  }
}

/** Each scenario runs once however many tests need it, so any single test can also run alone. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => {
    made ??= make()
    return made
  }
}

const registered = once(() =>
  cli<{jobDefinitionArn: string; jobDefinitionName: string; revision: number}>(
    'batch',
    'register-job-definition',
    '--cli-input-json',
    JSON.stringify(definitionInput(DEFINITION)),
  ),
)

async function submit(name: string, command: string[]): Promise<string> {
  await registered()
  const overrides = JSON.stringify({command})
  const args = ['--job-name', name, '--job-queue', 'local', '--job-definition', DEFINITION]
  const out = await cli<{jobId: string; jobName: string}>(
    'batch',
    'submit-job',
    ...args,
    '--container-overrides',
    overrides,
  )
  expect(out.jobName).toBe(name)
  return out.jobId
}

async function listJobs(...args: string[]): Promise<JobSummary[]> {
  const out = await cli<{jobSummaryList: JobSummary[]}>('batch', 'list-jobs', '--job-queue', 'local', ...args)
  return out.jobSummaryList
}

const echoJob = once(async () => waitFor(await submit('peer-cli-echo', ['echo', 'hello']), TERMINAL))
const exit7Job = once(async () => waitFor(await submit('peer-cli-exit7', ['sh', '-c', 'exit 7']), TERMINAL))

describe('the AWS CLI v2 against the emulator', () => {
  beforeAll(async () => {
    requireAwsCli()
    emulator = await startEmulator()
    registerPeerEmulator(emulator)
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('describe-job-queues and describe-compute-environments show the two default queues', async () => {
    const {jobQueues} = await cli<{jobQueues: JobQueue[]}>('batch', 'describe-job-queues')
    expectDefaultQueues(jobQueues)
    const {computeEnvironments} = await cli<{computeEnvironments: ComputeEnvironment[]}>(
      'batch',
      'describe-compute-environments',
    )
    expectDefaultComputeEnvironments(computeEnvironments)
  })

  test('register-job-definition gives revision 1 and an ARN naming it', async () => {
    const out = await registered()
    expect(out.jobDefinitionName).toBe(DEFINITION)
    expect(out.revision).toBe(1)
    expect(out.jobDefinitionArn).toMatch(new RegExp(`^arn:aws:batch:us-east-1:\\d{12}:job-definition/${DEFINITION}:1$`))
  })

  test('submit-job `echo hello` ends SUCCEEDED with exit code 0 and a log stream', async () => {
    const job = await echoJob()
    expect([job.status, job.container?.exitCode]).toEqual(['SUCCEEDED', 0])
    expect(job.container?.logStreamName).toMatch(new RegExp(`^${DEFINITION}/default/\\S+$`))
  })

  test('logs get-log-events shows hello', async () => {
    const stream = (await echoJob()).container?.logStreamName ?? ''
    const args = ['--log-group-name', DEFAULT_LOG_GROUP, '--log-stream-name', stream, '--start-from-head']
    const out = await cli<{events: Array<{message: string}>; nextForwardToken: string}>(
      'logs',
      'get-log-events',
      ...args,
    )
    expect(out.events.map((e) => e.message)).toEqual(['hello'])
    // The end of a stream is the same forward token handed back (CloudWatch Logs' documented rule).
    const next = await cli<{events: unknown[]; nextForwardToken: string}>(
      'logs',
      'get-log-events',
      ...args,
      '--next-token',
      out.nextForwardToken,
    )
    expect([next.events, next.nextForwardToken]).toEqual([[], out.nextForwardToken])
  })

  test('logs tail (FilterLogEvents with startTime) shows hello', async () => {
    const stream = (await echoJob()).container?.logStreamName ?? ''
    const args = ['logs', 'tail', DEFAULT_LOG_GROUP, '--log-stream-names', stream, '--since', '1h']
    const result = await aws(emulator.url, args)
    expect([result.code, result.stderr]).toEqual([0, ''])
    // Each line is `<ISO timestamp> <stream> <message>`.
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.map((line) => line.replace(/^\d{4}-\d\d-\d\dT\S+ /, ''))).toEqual([`${stream} hello`])
  })

  test('logs tail --follow prints each line of a running job once, in order', async () => {
    // The CLI polls FilterLogEvents every 5 s from the newest timestamp it has seen (inclusive) and drops events
    // whose eventId it printed: lines come out twice if startTime is ignored, and go missing if eventIds repeat.
    const script = 'for i in $(seq 1 12); do echo tick $i; sleep 0.5; done'
    const job = await waitFor(await submit('peer-cli-ticker', ['sh', '-c', script]), ['RUNNING', ...TERMINAL])
    const stream = job.container?.logStreamName ?? ''
    const args = ['logs', 'tail', DEFAULT_LOG_GROUP, '--log-stream-names', stream, '--since', '1h', '--follow']
    // Killed after two polls past the job's end (it takes about 6 s).
    const result = await aws(emulator.url, [...args, '--format', 'short'], {timeoutMs: 16_000})
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual(Array.from({length: 12}, (_, i) => `tick ${i + 1}`))
  })

  test("submit-job `sh -c 'exit 7'` ends FAILED with exit code 7", async () => {
    const job = await exit7Job()
    expect([job.status, job.container?.exitCode]).toEqual(['FAILED', 7])
  })

  test('terminate-job on a running `sleep 600` makes it FAILED within 5 s, with the reason', async () => {
    const jobId = await submit('peer-cli-sleep', ['sleep', '600'])
    await waitFor(jobId, ['RUNNING'])
    const reason = 'peer test: stop the sleeper'
    await cli('batch', 'terminate-job', '--job-id', jobId, '--reason', reason)
    const terminatedAt = Date.now()
    const job = await waitFor(jobId, TERMINAL, 5000)
    expect(Date.now() - terminatedAt).toBeLessThan(5000 + 1500) // + one CLI run started before the deadline
    expect([job.status, job.statusReason]).toEqual(['FAILED', reason])
  })

  test('list-jobs by status and by a JOB_NAME filter', async () => {
    const echo = await echoJob()
    const exit7 = await exit7Job()
    const succeeded = await listJobs('--job-status', 'SUCCEEDED')
    expect(succeeded.map((j) => [j.jobId, j.jobName, j.status])).toContainEqual([
      echo.jobId,
      'peer-cli-echo',
      'SUCCEEDED',
    ])
    expect(succeeded.every((j) => j.status === 'SUCCEEDED')).toBe(true)
    const failed = await listJobs('--job-status', 'FAILED')
    expect(failed.map((j) => j.jobId)).toContain(exit7.jobId)
    expect(failed.every((j) => j.status === 'FAILED')).toBe(true)
    // JOB_NAME: case-insensitive, a trailing * matches a prefix, and all statuses come back (AWS API reference).
    const prefix = await listJobs('--filters', 'name=JOB_NAME,values=PEER-CLI-E*')
    expect(prefix.map((j) => [j.jobName, j.status]).sort()).toEqual([
      ['peer-cli-echo', 'SUCCEEDED'],
      ['peer-cli-exit7', 'FAILED'],
    ])
    const exact = await listJobs('--filters', 'name=JOB_NAME,values=peer-cli-echo')
    expect(exact.map((j) => j.jobId)).toEqual([echo.jobId])
  })

  test('a vCPU of "abc" (no client validates it) gets a 400 ClientException naming VCPU', async () => {
    await registered()
    const overrides = {command: ['true'], resourceRequirements: [{type: 'VCPU', value: 'abc'}]}
    const args = ['--job-name', 'peer-cli-bad', '--job-queue', 'local', '--job-definition', DEFINITION]
    const result = await aws(emulator.url, [
      '--debug',
      'batch',
      'submit-job',
      ...args,
      '--container-overrides',
      JSON.stringify(overrides),
    ])
    expect(result.code).toBe(254) // the CLI's code for an error answered by the service
    expect(result.stderr).toMatch(/"POST \/v1\/submitjob HTTP\/1\.1" 400 /)
    const message = lastLine(result.stderr)
    expect(message).toMatch(/^An error occurred \(ClientException\) when calling the SubmitJob operation: .*vcpu/i)
  })

  test.each([
    [
      ['batch', 'list-jobs', '--job-queue', 'nope'],
      /^An error occurred \(ClientException\) when calling the ListJobs operation: .*nope/,
    ],
    [
      ['batch', 'list-jobs', '--job-queue', 'local', '--job-status', 'BOGUS'],
      /^An error occurred \(ClientException\) when calling the ListJobs operation: .*BOGUS/,
    ],
    [
      ['logs', 'get-log-events', '--log-group-name', 'nope', '--log-stream-name', 'nope'],
      /^An error occurred \(ResourceNotFoundException\) when calling the GetLogEvents operation: The specified log group does not exist\.$/,
    ],
    [
      ['logs', 'get-log-events', '--log-group-name', DEFAULT_LOG_GROUP, '--log-stream-name', 'nope'],
      /^An error occurred \(ResourceNotFoundException\) when calling the GetLogEvents operation: The specified log stream does not exist\.$/,
    ],
  ])("%j is refused in AWS's shape (moto 5 answers the same codes)", async (args, message) => {
    await echoJob() // the default log group exists once a job has logged
    const result = await aws(emulator.url, args)
    expect([result.code, result.stdout]).toEqual([254, ''])
    expect(lastLine(result.stderr)).toMatch(message)
  })

  test('submit-job without jobQueue (client validation off) gets a 400 ClientException naming jobQueue', async () => {
    // The CLI checks required members itself; `parameter_validation = false` in its config lets the request through.
    const input = JSON.stringify({jobDefinition: DEFINITION, jobName: 'peer-cli-no-queue'})
    const result = await aws(emulator.url, ['--debug', 'batch', 'submit-job', '--cli-input-json', input], {
      env: {AWS_CONFIG_FILE: configWithoutValidation()},
    })
    expect(result.code).toBe(254)
    expect(result.stderr).toMatch(/"POST \/v1\/submitjob HTTP\/1\.1" 400 /)
    expect(lastLine(result.stderr)).toMatch(
      /^An error occurred \(ClientException\) when calling the SubmitJob operation: .*jobQueue/,
    )
  })
})

/** With --debug the CLI's own error sentence is still the last line of stderr. */
function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? ''
}
