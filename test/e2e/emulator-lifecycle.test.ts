/**
 * The emulated Batch service across restarts of the emulator on one state dir: what finished stays, what was
 * queued runs, what was running comes back FAILED with AWS's host-lost reason, and processes left behind by an
 * emulator that was killed outright are stopped.
 */
import {
  BatchClient,
  DescribeJobsCommand,
  type JobDetail,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import {CloudWatchLogsClient, GetLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {readFileSync} from 'node:fs'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'

const FINAL = new Set(['FAILED', 'SUCCEEDED'])
const HOST_LOST = /^Host EC2 \(instance i-[\da-f]{17}\) terminated\.$/

interface Connected {
  batch: BatchClient
  emulator: TestEmulator
  logs: CloudWatchLogsClient
}

const open: Connected[] = []
const stateDirs = new Set<string>()

const pause = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

async function connect(stateDir?: string): Promise<Connected> {
  const emulator = await startEmulator({args: ['--vcpus', '2', '--memory', '4096'], stateDir})
  stateDirs.add(emulator.stateDir)
  const config = {
    credentials: emulator.credentials,
    endpoint: emulator.url,
    maxAttempts: 1,
    region: 'us-east-1',
  }
  const connected = {batch: new BatchClient(config), emulator, logs: new CloudWatchLogsClient(config)}
  open.push(connected)
  return connected
}

async function disconnect(c: Connected): Promise<void> {
  c.batch.destroy()
  c.logs.destroy()
  await c.emulator.stop()
}

async function submit(c: Connected, name: string, command: string[], extra: Partial<SubmitJobCommandInput> = {}) {
  const out = await c.batch.send(
    new SubmitJobCommand({
      containerOverrides: {command},
      jobDefinition: 'life',
      jobName: name,
      jobQueue: 'local',
      ...extra,
    }),
  )
  return out.jobId!
}

async function describe1(c: Connected, jobId: string): Promise<JobDetail> {
  return (await c.batch.send(new DescribeJobsCommand({jobs: [jobId]}))).jobs![0]
}

async function waitFor(c: Connected, jobId: string, done: (job: JobDetail) => boolean): Promise<JobDetail> {
  const deadline = Date.now() + 15_000
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- polling, one call at a time
    const job = await describe1(c, jobId)
    if (done(job)) return job
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.status}`)
    // eslint-disable-next-line no-await-in-loop
    await pause(50)
  }
}

async function messages(c: Connected, stream: string): Promise<string[]> {
  const out = await c.logs.send(
    new GetLogEventsCommand({logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true}),
  )
  return out.events!.map((e) => e.message!)
}

/** Whether a process runs; a zombie (killed, not yet reaped by whoever adopted it) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

async function registerDefinition(c: Connected): Promise<void> {
  await c.batch.send(
    new RegisterJobDefinitionCommand({
      containerProperties: {command: ['true'], image: 'busybox', memory: 256, vcpus: 1},
      jobDefinitionName: 'life',
      type: 'container',
    }),
  )
}

describe('emulated AWS Batch across restarts', () => {
  afterAll(async () => {
    await Promise.all(open.map((c) => disconnect(c)))
    for (const dir of stateDirs) removeStateDir(dir)
  })

  test('a stop and a start: finished jobs and their logs stay, running ones lost their host, queued ones run', async () => {
    const first = await connect()
    await registerDefinition(first)
    const done = await submit(first, 'done', ['echo', 'kept'])
    const finished = await waitFor(first, done, (j) => FINAL.has(j.status!))
    const running = await submit(first, 'running', ['sleep', '600'])
    await waitFor(first, running, (j) => j.status === 'RUNNING')
    // The queue has 2 vCPUs and `running` holds one: this one waits.
    const queued = await submit(first, 'queued', ['echo', 'after the restart'], {
      containerOverrides: {command: ['echo', 'after the restart'], resourceRequirements: [{type: 'VCPU', value: '2'}]},
    })
    expect((await waitFor(first, queued, (j) => j.status === 'RUNNABLE')).status).toBe('RUNNABLE')
    await disconnect(first)

    const second = await connect(first.emulator.stateDir)
    expect(await describe1(second, done)).toEqual(finished)
    expect(await messages(second, finished.container!.logStreamName!)).toEqual(['kept'])
    const lost = await describe1(second, running)
    expect([lost.status, lost.container?.exitCode, lost.attempts?.length, lost.attempts?.[0].statusReason]).toEqual([
      'FAILED',
      undefined,
      1,
      lost.statusReason,
    ])
    expect(lost.statusReason).toMatch(HOST_LOST)
    const later = await waitFor(second, queued, (j) => FINAL.has(j.status!))
    expect([later.status, await messages(second, later.container!.logStreamName!)]).toEqual([
      'SUCCEEDED',
      ['after the restart'],
    ])
    await disconnect(second)
  })

  test('an emulator killed outright: its job process is stopped at the next start and the job comes back FAILED', async () => {
    const first = await connect()
    await registerDefinition(first)
    // The job says who runs it: its own pid (the process group's leader) and its parent, the emulator.
    const jobId = await submit(first, 'orphan', ['sh', '-c', 'echo "$$ $PPID"; exec sleep 600'])
    const job = await waitFor(first, jobId, (j) => j.status === 'RUNNING')
    let pids: number[] = []
    for (let i = 0; i < 100 && pids.length === 0; i++) {
      // eslint-disable-next-line no-await-in-loop -- waiting for the first line to arrive
      const lines = await messages(first, job.container!.logStreamName!)
      pids = lines.length > 0 ? lines[0].split(' ').map(Number) : []
      // eslint-disable-next-line no-await-in-loop
      if (pids.length === 0) await pause(50)
    }

    const [jobPid, emulatorPid] = pids
    process.kill(emulatorPid, 'SIGKILL')
    await disconnect(first)
    expect(alive(jobPid)).toBe(true)

    const second = await connect(first.emulator.stateDir)
    const lost = await describe1(second, jobId)
    expect([lost.status, lost.container?.exitCode]).toEqual(['FAILED', undefined])
    expect(lost.statusReason).toMatch(HOST_LOST)
    for (let i = 0; i < 50 && alive(jobPid); i++) {
      // eslint-disable-next-line no-await-in-loop -- the kill is asynchronous
      await pause(20)
    }

    expect(alive(jobPid)).toBe(false)
    await disconnect(second)
  })
})
