/**
 * The emulated AWS Batch service end to end: AWS's own JavaScript clients against the built emulator, jobs run as
 * real processes, their output read back through CloudWatch Logs.
 */
import {
  BatchClient,
  CancelJobCommand,
  DescribeJobsCommand,
  type JobDetail,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import {CloudWatchLogsClient, GetLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let batch: BatchClient
let logs: CloudWatchLogsClient

const FINAL = new Set(['FAILED', 'SUCCEEDED'])

const pause = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

async function submit(command: string[], extra: Partial<SubmitJobCommandInput> = {}): Promise<string> {
  const out = await batch.send(
    new SubmitJobCommand({
      containerOverrides: {command},
      jobDefinition: 'e2e',
      jobName: 'e2e-job',
      jobQueue: 'local',
      ...extra,
    }),
  )
  return out.jobId!
}

async function describe1(jobId: string): Promise<JobDetail> {
  const out = await batch.send(new DescribeJobsCommand({jobs: [jobId]}))
  return out.jobs![0]
}

/** Polls until `done` holds for the job (every 50 ms, up to `timeoutMs`). */
async function waitFor(jobId: string, done: (job: JobDetail) => boolean, timeoutMs = 15_000): Promise<JobDetail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- polling, one call at a time
    const job = await describe1(jobId)
    if (done(job)) return job
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.status} (${job.statusReason ?? ''})`)
    // eslint-disable-next-line no-await-in-loop
    await pause(50)
  }
}

const finished = (jobId: string, timeoutMs?: number) => waitFor(jobId, (j) => FINAL.has(j.status!), timeoutMs)

async function messages(stream: string): Promise<string[]> {
  const out = await logs.send(
    new GetLogEventsCommand({logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true}),
  )
  return out.events!.map((e) => e.message!)
}

describe('emulated AWS Batch, end to end', () => {
  beforeAll(async () => {
    emulator = await startEmulator({args: ['--vcpus', '4', '--memory', '8192']})
    const config = {
      credentials: emulator.credentials,
      endpoint: emulator.url,
      maxAttempts: 1,
      region: 'us-east-1',
    }
    batch = new BatchClient(config)
    logs = new CloudWatchLogsClient(config)
    await batch.send(
      new RegisterJobDefinitionCommand({
        containerProperties: {
          command: ['echo', 'placeholder'],
          image: 'busybox',
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '256'},
          ],
        },
        jobDefinitionName: 'e2e',
        type: 'container',
      }),
    )
  })

  afterAll(async () => {
    batch?.destroy()
    logs?.destroy()
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('echo hello: SUCCEEDED, exit 0, the line in the job log stream', async () => {
    const job = await finished(await submit(['echo', 'hello']))
    expect([job.status, job.statusReason, job.container?.exitCode, job.attempts?.length]).toEqual([
      'SUCCEEDED',
      'Essential container in task exited',
      0,
      1,
    ])
    expect(job.container?.logStreamName).toMatch(/^e2e\/default\/[\da-f]{32}$/)
    expect(await messages(job.container!.logStreamName!)).toEqual(['hello'])
  })

  test('stdout and stderr lines arrive in order, the last partial line too, with the job variables', async () => {
    const script =
      'echo "id=$AWS_BATCH_JOB_ID attempt=$AWS_BATCH_JOB_ATTEMPT q=$AWS_BATCH_JQ_NAME ce=$AWS_BATCH_CE_NAME"; echo to-stderr >&2; sleep 0.2; printf "no newline"'
    const jobId = await submit(['sh', '-c', script])
    const job = await finished(jobId)
    expect(await messages(job.container!.logStreamName!)).toEqual([
      `id=${jobId} attempt=1 q=local ce=local-ec2`,
      'to-stderr',
      'no newline',
    ])
  })

  test("sh -c 'exit 7': FAILED with exit code 7", async () => {
    const job = await finished(await submit(['sh', '-c', 'exit 7']))
    expect([job.status, job.statusReason, job.container?.exitCode]).toEqual([
      'FAILED',
      'Essential container in task exited',
      7,
    ])
  })

  test('a command that does not exist: FAILED, task failed to start, no exit code', async () => {
    const job = await finished(await submit(['no-such-command-here']))
    expect([job.status, job.statusReason, job.container?.exitCode, job.container?.reason]).toEqual([
      'FAILED',
      'Task failed to start',
      undefined,
      'CannotStartContainerError: exec: "no-such-command-here": executable file not found in $PATH',
    ])
  })

  test('retries follow evaluateOnExit: exit 3 is retried, a new attempt and stream each time', async () => {
    const job = await finished(
      await submit(['sh', '-c', 'echo "attempt $AWS_BATCH_JOB_ATTEMPT"; exit 3'], {
        retryStrategy: {
          attempts: 3,
          evaluateOnExit: [
            {action: 'RETRY', onExitCode: '3'},
            {action: 'EXIT', onExitCode: '*'},
          ],
        },
      }),
    )
    const streams = job.attempts!.map((a) => a.container!.logStreamName!)
    expect([job.status, job.attempts!.map((a) => a.container?.exitCode), new Set(streams).size]).toEqual([
      'FAILED',
      [3, 3, 3],
      3,
    ])
    expect(await Promise.all(streams.map((s) => messages(s)))).toEqual([['attempt 1'], ['attempt 2'], ['attempt 3']])

    const exited = await finished(
      await submit(['sh', '-c', 'exit 4'], {
        retryStrategy: {
          attempts: 3,
          evaluateOnExit: [
            {action: 'RETRY', onExitCode: '3'},
            {action: 'EXIT', onExitCode: '*'},
          ],
        },
      }),
    )
    expect([exited.status, exited.attempts!.length]).toEqual(['FAILED', 1])
  })

  test('attemptDurationSeconds: the attempt is killed and the job fails with AWS reason', async () => {
    const job = await finished(await submit(['sleep', '30'], {timeout: {attemptDurationSeconds: 1}}))
    expect([job.status, job.statusReason, job.container?.exitCode]).toEqual([
      'FAILED',
      'Job attempt duration exceeded timeout',
      143,
    ])
    expect(job.stoppedAt! - job.startedAt!).toBeLessThan(3000)
  })

  test('TerminateJob on sleep 600: FAILED within 5 s with the reason and exit code 143 (SIGTERM)', async () => {
    const jobId = await submit(['sleep', '600'])
    await waitFor(jobId, (j) => j.status === 'RUNNING')
    const asked = Date.now()
    await batch.send(new TerminateJobCommand({jobId, reason: 'stopped by the test'}))
    const job = await finished(jobId, 5000)
    expect(Date.now() - asked).toBeLessThan(5000)
    expect([job.status, job.statusReason, job.container?.exitCode, job.isTerminated]).toEqual([
      'FAILED',
      'stopped by the test',
      143,
      true,
    ])
  })

  test('a job too big for the queue stays RUNNABLE with the MISCONFIGURATION reason; CancelJob fails it', async () => {
    const jobId = await submit(['true'], {
      containerOverrides: {command: ['true'], resourceRequirements: [{type: 'VCPU', value: '64'}]},
    })
    const stuck = await waitFor(jobId, (j) => j.statusReason !== undefined)
    expect([stuck.status, stuck.statusReason]).toEqual([
      'RUNNABLE',
      'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.',
    ])
    await batch.send(new CancelJobCommand({jobId, reason: 'too big'}))
    const job = await finished(jobId)
    expect([job.status, job.statusReason, job.container?.exitCode, job.attempts]).toEqual([
      'FAILED',
      'too big',
      undefined,
      [],
    ])
  })

  test('array job: each child runs with its AWS_BATCH_JOB_ARRAY_INDEX; the parent sums them up', async () => {
    const parentId = await submit(
      ['sh', '-c', 'echo "index=$AWS_BATCH_JOB_ARRAY_INDEX of $AWS_BATCH_JOB_ARRAY_SIZE"'],
      {
        arrayProperties: {size: 3},
      },
    )
    const parent = await finished(parentId)
    expect([parent.status, parent.arrayProperties]).toEqual([
      'SUCCEEDED',
      {
        size: 3,
        statusSummary: {FAILED: 0, PENDING: 0, RUNNABLE: 0, RUNNING: 0, STARTING: 0, SUBMITTED: 0, SUCCEEDED: 3},
      },
    ])
    const children = (await batch.send(new DescribeJobsCommand({jobs: [0, 1, 2].map((i) => `${parentId}:${i}`)}))).jobs!
    const logsOf = await Promise.all(children.map((c) => messages(c.container!.logStreamName!)))
    expect(logsOf).toEqual([['index=0 of 3'], ['index=1 of 3'], ['index=2 of 3']])
  })

  test('dependencies: a job waits for its dependency; a failed dependency fails the dependent', async () => {
    const first = await submit(['sh', '-c', 'sleep 0.5'])
    const second = await submit(['true'], {dependsOn: [{jobId: first}]})
    expect((await describe1(second)).status).toMatch(/^(SUBMITTED|PENDING)$/)
    const [a, b] = [await finished(first), await finished(second)]
    expect([a.status, b.status, b.startedAt! >= a.stoppedAt!]).toEqual(['SUCCEEDED', 'SUCCEEDED', true])

    const failing = await submit(['sh', '-c', 'exit 1'])
    const dependent = await submit(['true'], {dependsOn: [{jobId: failing}]})
    const job = await finished(dependent)
    expect([job.status, job.statusReason, job.attempts]).toEqual(['FAILED', 'Dependent Job failed', []])
  })

  test('ListJobs: by status, by JOB_NAME filter, and page by page', async () => {
    const tag = `list${Date.now()}`
    const ids = []
    for (let i = 0; i < 5; i++) {
      // eslint-disable-next-line no-await-in-loop -- submission order matters here
      ids.push(await submit(['true'], {jobName: `${tag}-${i}`}))
    }

    await Promise.all(ids.map((id) => finished(id)))
    const running = await submit(['sleep', '600'], {jobName: `${tag}-running`})
    await waitFor(running, (j) => j.status === 'RUNNING')
    const byStatus = await batch.send(new ListJobsCommand({jobQueue: 'local'}))
    expect(byStatus.jobSummaryList!.map((j) => j.jobId)).toEqual([running])

    const filters = [{name: 'JOB_NAME', values: [`${tag.toUpperCase()}-*`]}]
    const all = await batch.send(new ListJobsCommand({filters, jobQueue: 'local'}))
    expect(all.jobSummaryList!.map((j) => j.jobName)).toEqual([
      `${tag}-running`,
      ...[4, 3, 2, 1, 0].map((i) => `${tag}-${i}`),
    ])
    const pages: string[][] = []
    let nextToken: string | undefined
    do {
      // eslint-disable-next-line no-await-in-loop -- pages follow each other
      const page = await batch.send(new ListJobsCommand({filters, jobQueue: 'local', maxResults: 4, nextToken}))
      pages.push(page.jobSummaryList!.map((j) => j.jobName!))
      nextToken = page.nextToken
    } while (nextToken)

    expect(pages).toEqual([
      all.jobSummaryList!.slice(0, 4).map((j) => j.jobName),
      all.jobSummaryList!.slice(4).map((j) => j.jobName),
    ])
    await batch.send(new TerminateJobCommand({jobId: running, reason: 'done listing'}))
    await finished(running)
  })

  test('a job printing 200,000 lines gets every one of them, in order', async () => {
    const job = await finished(await submit(['seq', '1', '200000']), 30_000)
    const got: string[] = []
    let token: string | undefined
    for (;;) {
      // eslint-disable-next-line no-await-in-loop -- forward pages, in order
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: '/aws/batch/job',
          logStreamName: job.container!.logStreamName!,
          nextToken: token,
          startFromHead: true,
        }),
      )
      if (page.events!.length === 0) break
      for (const e of page.events!) got.push(e.message!)
      token = page.nextForwardToken
    }

    expect(got.length).toBe(200_000)
    expect(got.every((line, i) => line === String(i + 1))).toBe(true)
  })
})
