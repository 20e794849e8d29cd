/** The engine, step by step, with a fake clock and a runner whose attempts the test ends. */
import {describe1, harness, register} from './support'

const T0 = 1_700_000_000_000

async function submit(h: Awaited<ReturnType<typeof harness>>, extra: Record<string, unknown> = {}): Promise<string> {
  const out = await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'j', jobQueue: 'local', ...extra})
  return out.jobId
}

describe('job engine lifecycle', () => {
  test('SUBMITTED → RUNNABLE → STARTING → RUNNING → SUCCEEDED, one step a tick, with the whole JobDetail', async () => {
    const h = await harness()
    await register(h)
    const id = await submit(h, {tags: {team: 'ml'}})
    const status = async (): Promise<string> => (await describe1(h, id)).status
    const seen = [await status()]
    h.ticks(1)
    seen.push(await status())
    h.ticks(1)
    seen.push(await status())
    h.ticks(1)
    seen.push(await status())

    expect(seen).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING'])
    const attempt = h.runner.of(id)
    expect(attempt.spec.command).toEqual(['echo', 'hello'])
    expect(attempt.spec.env).toEqual({
      AWS_BATCH_CE_NAME: 'local-ec2',
      AWS_BATCH_JOB_ATTEMPT: '1',
      AWS_BATCH_JOB_ID: id,
      AWS_BATCH_JQ_NAME: 'local',
      AWS_EXECUTION_ENV: 'AWS_ECS_EC2',
      // No GPUs asked: CUDA sees none of the host's, as in a container without devices passed in.
      CUDA_VISIBLE_DEVICES: '',
      HOME: '/home/test',
      LANG: 'C.UTF-8',
      PATH: '/usr/bin:/bin',
    })
    expect(attempt.spec.memory).toEqual({memoryMiB: expect.any(Number), swapMiB: 0})
    expect(attempt.spec.logGroup).toBe('/aws/batch/job')
    expect(attempt.spec.logStream).toMatch(/^jd\/default\/[\da-f]{32}$/)

    h.clock.advance(1000)
    attempt.exit({exitCode: 0})
    const job = await describe1(h, id)
    const taskId = attempt.spec.logStream.split('/')[2]
    const cluster = job.attempts[0].container.taskArn.split('/')[1]
    const container = {
      containerInstanceArn: expect.stringMatching(
        /^arn:aws:ecs:us-east-1:000000000000:container-instance\/local-ec2_Batch_/,
      ),
      exitCode: 0,
      logStreamName: attempt.spec.logStream,
      networkInterfaces: [],
      reason: undefined,
      taskArn: `arn:aws:ecs:us-east-1:000000000000:task/${cluster}/${taskId}`,
    }
    expect(job).toEqual({
      attempts: [
        {container, startedAt: T0 + 300, statusReason: 'Essential container in task exited', stoppedAt: T0 + 1300},
      ],
      container: {
        command: ['echo', 'hello'],
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '512'},
        ],
        ...container,
      },
      createdAt: T0,
      dependsOn: [],
      jobArn: `arn:aws:batch:us-east-1:000000000000:job/${id}`,
      jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/jd:1',
      jobId: id,
      jobName: 'j',
      jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/local',
      parameters: {},
      platformCapabilities: ['EC2'],
      startedAt: T0 + 300,
      status: 'SUCCEEDED',
      statusReason: 'Essential container in task exited',
      stoppedAt: T0 + 1300,
      tags: {team: 'ml'},
    })
    await h.service.stop!()
  })

  test('a failing attempt is retried with a new attempt and stream until attempts run out', async () => {
    const h = await harness()
    await register(h)
    const id = await submit(h, {retryStrategy: {attempts: 2}})
    h.ticks(3)
    const first = h.runner.of(id)
    first.exit({exitCode: 7})
    expect((await describe1(h, id)).status).toBe('RUNNABLE')
    h.ticks(2)
    const second = h.runner.of(id)
    expect(second).not.toBe(first)
    expect(second.spec.env.AWS_BATCH_JOB_ATTEMPT).toBe('2')
    expect(second.spec.logStream).not.toBe(first.spec.logStream)
    second.exit({exitCode: 7})
    const job = await describe1(h, id)
    expect({
      exitCode: job.container.exitCode,
      exitCodes: job.attempts.map((a) => a.container.exitCode),
      logStreamName: job.container.logStreamName,
      status: job.status,
      statusReason: job.statusReason,
    }).toEqual({
      exitCode: 7,
      exitCodes: [7, 7],
      logStreamName: second.spec.logStream,
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
    })
    await h.service.stop!()
  })

  test('evaluateOnExit EXIT stops retrying', async () => {
    const h = await harness()
    await register(h)
    const id = await submit(h, {retryStrategy: {attempts: 5, evaluateOnExit: [{action: 'EXIT', onExitCode: '3'}]}})
    h.ticks(3)
    h.runner.of(id).exit({exitCode: 3})
    const job = await describe1(h, id)
    expect([job.status, job.attempts.length]).toEqual(['FAILED', 1])
    await h.service.stop!()
  })

  test('a timeout sends SIGTERM, then SIGKILL after the grace period; the job fails with AWS reason, not retried', async () => {
    const h = await harness({killGraceMs: 500})
    await register(h)
    const id = await submit(h, {retryStrategy: {attempts: 3}, timeout: {attemptDurationSeconds: 2}})
    h.ticks(3)
    const attempt = h.runner.of(id)
    h.ticks(19)
    expect(attempt.signals).toEqual([])
    h.ticks(1)
    expect(attempt.signals).toEqual(['SIGTERM'])
    h.ticks(4)
    expect(attempt.signals).toEqual(['SIGTERM'])
    h.ticks(1)
    expect(attempt.signals).toEqual(['SIGTERM', 'SIGKILL'])
    await Promise.resolve() // the killed attempt ends
    const job = await describe1(h, id)
    expect([job.status, job.statusReason, job.container.exitCode, job.attempts.length]).toEqual([
      'FAILED',
      'Job attempt duration exceeded timeout',
      137,
      1,
    ])
    await h.service.stop!()
  })

  test('TerminateJob: a running job is signalled and fails with the given reason; a queued one fails at once', async () => {
    const h = await harness()
    await register(h)
    const running = await submit(h)
    h.ticks(3)
    const queued = await submit(h)
    await h.call('TerminateJob', {jobId: running, reason: 'stop it'})
    await h.call('TerminateJob', {jobId: queued, reason: 'never mind'})
    expect(h.runner.of(running).signals).toEqual(['SIGTERM'])
    expect((await describe1(h, running)).status).toBe('RUNNING')
    h.runner.of(running).exit({exitCode: 143})
    const [r, q] = (await h.call('DescribeJobs', {jobs: [running, queued]})).jobs
    expect([r.status, r.statusReason, r.container.exitCode, r.isTerminated]).toEqual(['FAILED', 'stop it', 143, true])
    expect([q.status, q.statusReason, q.container.exitCode, q.attempts, q.isTerminated]).toEqual([
      'FAILED',
      'never mind',
      undefined,
      [],
      true,
    ])
    // Terminating a finished job is accepted and changes nothing.
    await h.call('TerminateJob', {jobId: running, reason: 'again'})
    expect((await describe1(h, running)).statusReason).toBe('stop it')
    await h.service.stop!()
  })

  test('CancelJob fails jobs not yet started and leaves started ones alone', async () => {
    const h = await harness()
    await register(h)
    const started = await submit(h)
    h.ticks(2)
    const waiting = await submit(h)
    h.ticks(1)
    await h.call('CancelJob', {jobId: started, reason: 'no'})
    await h.call('CancelJob', {jobId: waiting, reason: 'changed my mind'})
    const [s, w] = (await h.call('DescribeJobs', {jobs: [started, waiting]})).jobs
    expect([s.status, s.isCancelled]).toEqual(['RUNNING', undefined])
    expect([w.status, w.statusReason, w.isCancelled, w.stoppedAt]).toEqual([
      'FAILED',
      'changed my mind',
      true,
      h.clock.t,
    ])
    await h.service.stop!()
  })

  test('jobs wait RUNNABLE for capacity; one larger than every environment gets the MISCONFIGURATION reason', async () => {
    const h = await harness({capacity: {memoryMiB: 8192, vcpus: 2}})
    await register(h)
    const big = {containerOverrides: {resourceRequirements: [{type: 'VCPU', value: '2'}]}}
    const a = await submit(h, big)
    const b = await submit(h, big)
    const huge = await submit(h, {containerOverrides: {resourceRequirements: [{type: 'VCPU', value: '3'}]}})
    const gpu = await submit(h, {containerOverrides: {resourceRequirements: [{type: 'GPU', value: '1'}]}})
    h.ticks(3)
    const status = async () =>
      (await h.call('DescribeJobs', {jobs: [a, b, huge, gpu]})).jobs.map((j) => [j.status, j.statusReason])
    const misconfigured =
      'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.'
    expect(await status()).toEqual([
      ['RUNNING', undefined],
      ['RUNNABLE', undefined],
      ['RUNNABLE', misconfigured],
      ['RUNNABLE', misconfigured],
    ])
    h.runner.of(a).exit({exitCode: 0})
    h.ticks(2)
    expect((await status())[1]).toEqual(['RUNNING', undefined])
    // A cancelled misconfigured job ends FAILED without an exit code.
    await h.call('CancelJob', {jobId: huge, reason: 'too big'})
    const cancelled = await describe1(h, huge)
    expect([cancelled.status, cancelled.statusReason, cancelled.container.exitCode]).toEqual([
      'FAILED',
      'too big',
      undefined,
    ])
    await h.service.stop!()
  })

  test('a DISABLED compute environment or queue keeps jobs RUNNABLE; enabling lets them run', async () => {
    const h = await harness()
    await register(h)
    await h.call('UpdateComputeEnvironment', {computeEnvironment: 'local-ec2', state: 'DISABLED'})
    const id = await submit(h)
    h.ticks(5)
    expect((await describe1(h, id)).status).toBe('RUNNABLE')
    await h.call('UpdateComputeEnvironment', {computeEnvironment: 'local-ec2', state: 'ENABLED'})
    await h.call('UpdateJobQueue', {jobQueue: 'local', state: 'DISABLED'})
    h.ticks(5)
    expect((await describe1(h, id)).status).toBe('RUNNABLE')
    await h.call('UpdateJobQueue', {jobQueue: 'local', state: 'ENABLED'})
    h.ticks(1)
    expect((await describe1(h, id)).status).toBe('STARTING')
    await h.service.stop!()
  })

  test('dependencies: PENDING until the dependency succeeds; a failed one fails the dependent', async () => {
    const h = await harness()
    await register(h)
    const first = await submit(h)
    const ok = await submit(h, {dependsOn: [{jobId: first}]})
    h.ticks(3)
    expect((await describe1(h, ok)).status).toBe('PENDING')
    h.runner.of(first).exit({exitCode: 0})
    h.ticks(1)
    expect((await describe1(h, ok)).status).toBe('RUNNABLE')

    const failing = await submit(h)
    const doomed = await submit(h, {dependsOn: [{jobId: failing}]})
    h.ticks(3)
    h.runner.of(failing).exit({exitCode: 1})
    h.ticks(1)
    const job = await describe1(h, doomed)
    expect([job.status, job.statusReason, job.attempts]).toEqual(['FAILED', 'Dependent Job failed', []])
    await h.service.stop!()
  })

  test('array job: children run separately with their index; the parent summarises and ends with them', async () => {
    const h = await harness()
    await register(h)
    const id = await submit(h, {arrayProperties: {size: 3}})
    const parent = async () => describe1(h, id)
    expect((await parent()).status).toBe('SUBMITTED')
    h.ticks(1)
    expect([(await parent()).status, (await parent()).arrayProperties]).toEqual([
      'PENDING',
      {
        size: 3,
        statusSummary: {FAILED: 0, PENDING: 0, RUNNABLE: 3, RUNNING: 0, STARTING: 0, SUBMITTED: 0, SUCCEEDED: 0},
      },
    ])
    h.ticks(2)
    expect([0, 1, 2].map((i) => h.runner.of(`${id}:${i}`).spec.env.AWS_BATCH_JOB_ARRAY_INDEX)).toEqual(['0', '1', '2'])
    expect(h.runner.of(`${id}:2`).spec.env.AWS_BATCH_JOB_ARRAY_SIZE).toBe('3')
    h.runner.of(`${id}:0`).exit({exitCode: 0})
    h.runner.of(`${id}:1`).exit({exitCode: 0})
    expect((await parent()).status).toBe('PENDING')
    h.runner.of(`${id}:2`).exit({exitCode: 0})
    expect([(await parent()).status, (await parent()).arrayProperties?.statusSummary?.SUCCEEDED]).toEqual([
      'SUCCEEDED',
      3,
    ])
    const child = await describe1(h, `${id}:1`)
    expect([child.jobId, child.jobName, child.arrayProperties, child.status]).toEqual([
      `${id}:1`,
      'j',
      {index: 1},
      'SUCCEEDED',
    ])
    const listed = await h.call('ListJobs', {arrayJobId: id, jobStatus: 'SUCCEEDED'})
    expect(listed.jobSummaryList.map((j) => j.jobId)).toEqual([`${id}:0`, `${id}:1`, `${id}:2`])
    await h.service.stop!()
  })

  test('array job: one failed child fails the parent; SEQUENTIAL children run one after another', async () => {
    const h = await harness()
    await register(h)
    const id = await submit(h, {arrayProperties: {size: 3}, dependsOn: [{type: 'SEQUENTIAL'}]})
    h.ticks(3)
    const status = async () =>
      (await h.call('DescribeJobs', {jobs: [0, 1, 2].map((i) => `${id}:${i}`)})).jobs.map((j) => j.status)
    expect(await status()).toEqual(['RUNNING', 'PENDING', 'PENDING'])
    h.runner.of(`${id}:0`).exit({exitCode: 0})
    h.ticks(3)
    expect(await status()).toEqual(['SUCCEEDED', 'RUNNING', 'PENDING'])
    h.runner.of(`${id}:1`).exit({exitCode: 2})
    h.ticks(1)
    expect(await status()).toEqual(['SUCCEEDED', 'FAILED', 'FAILED'])
    expect((await describe1(h, id)).status).toBe('FAILED')
    expect((await describe1(h, `${id}:2`)).statusReason).toBe('Dependent Job failed')
    await h.service.stop!()
  })

  test('N_TO_N: child i of the second array waits for child i of the first', async () => {
    const h = await harness({capacity: {memoryMiB: 8192, vcpus: 8}})
    await register(h)
    const a = await submit(h, {arrayProperties: {size: 2}})
    const b = await submit(h, {arrayProperties: {size: 2}, dependsOn: [{jobId: a, type: 'N_TO_N'}]})
    h.ticks(3)
    h.runner.of(`${a}:1`).exit({exitCode: 0})
    h.ticks(3)
    const statuses = (await h.call('DescribeJobs', {jobs: [`${b}:0`, `${b}:1`]})).jobs.map((j) => j.status)
    expect(statuses).toEqual(['PENDING', 'RUNNING'])
    await h.service.stop!()
  })
})
