/**
 * Memory limits and killing everything a job started, under each limit mechanism this machine offers (forced with
 * MFBATCH_EMULATOR_LIMITS): the built CLI and AWS's own client against a real emulator, jobs as real processes.
 */
import {
  BatchClient,
  DescribeJobsCommand,
  type JobDetail,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import {availability} from '../../src/emulator/batch/engine/limits/detect'
import {readProcess} from '../../src/emulator/batch/engine/limits/process-tree'
import {MechanismName} from '../../src/emulator/batch/engine/limits/types'
import {WATCHDOG_INTERVAL_MS} from '../../src/emulator/batch/engine/limits/watchdog'
import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {pause} from '../helpers/running'

const OOM = 'OutOfMemoryError: Container killed due to memory usage'
const why = availability()
const OVER = ['python3', '-c', 'import time; x = bytearray(400 << 20); time.sleep(1)']
const UNDER = ['python3', '-c', 'x = bytearray(40 << 20)']

/** Polls `check` every 20 ms until it returns a value, up to `ms`. */
async function until<T>(check: () => T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    // eslint-disable-next-line no-await-in-loop -- polling
    await pause(20)
  }
}

const alive = (pid: number): boolean => readProcess(pid) !== undefined

const readPid = (file: string): number | undefined => {
  try {
    const text = fs.readFileSync(file, 'utf8').trim()
    return text === '' ? undefined : Number(text)
  } catch {
    return undefined
  }
}

for (const mechanism of ['cgroup-v2', 'cgroup-v1', 'watchdog'] as MechanismName[]) {
  const unavailable = why[mechanism]
  // A mechanism this machine cannot give is skipped, and its name says why.
  const suite = unavailable === undefined ? describe : describe.skip
  suite(`limits under ${mechanism}${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
    let emulator: TestEmulator
    let batch: BatchClient
    let scratch: string

    beforeAll(async () => {
      emulator = await startEmulator({env: {MFBATCH_EMULATOR_LIMITS: mechanism}})
      batch = new BatchClient({
        credentials: emulator.credentials,
        endpoint: emulator.url,
        region: 'us-east-1',
      })
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-limits-'))
      await batch.send(
        new RegisterJobDefinitionCommand({
          containerProperties: {
            command: ['true'],
            image: 'busybox',
            resourceRequirements: [
              {type: 'VCPU', value: '1'},
              {type: 'MEMORY', value: '200'},
            ],
          },
          jobDefinitionName: 'limits',
          type: 'container',
        }),
      )
    }, 30_000)

    afterAll(async () => {
      batch?.destroy()
      await emulator?.stop()
      if (emulator) removeStateDir(emulator.stateDir)
      fs.rmSync(scratch, {force: true, recursive: true})
    })

    const describeJob = async (jobId: string): Promise<JobDetail> =>
      (await batch.send(new DescribeJobsCommand({jobs: [jobId]}))).jobs![0]

    async function finished(jobId: string): Promise<JobDetail> {
      for (;;) {
        // eslint-disable-next-line no-await-in-loop -- polling
        const job = await describeJob(jobId)
        if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return job
        // eslint-disable-next-line no-await-in-loop
        await pause(50)
      }
    }

    test('the emulator uses the mechanism it was told to, and says so', async () => {
      expect(emulator.stderr()).toContain(
        `mfbatch emulator: limits: ${mechanism === 'watchdog' ? 'watchdog' : `cgroup ${mechanism.slice(-2)}`}`,
      )
      const status = await runCli([
        'emulator',
        'status',
        '--json',
        '--state-dir',
        emulator.stateDir,
        '--port',
        String(emulator.port),
      ])
      const report = JSON.parse(status.stdout) as {limits?: {mechanism: string}}
      // Foreground emulators are found by port; their record is in the state dir all the same.
      expect(report.limits?.mechanism).toBe(mechanism)
    })

    test('over its memory: submit --wait exits 137 and the job is FAILED with AWS reason', async () => {
      const run = await runCli(['submit', '--queue', 'local', '--memory', '200', '--wait', '--', ...OVER], {
        env: emulator.env,
      })
      expect(run.code).toBe(137)
      const jobId = run.stdout.trim()
      // The last line on stderr says why, which limit it was and how to raise it.
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        `mfbatch: job mfbatch-python3 ${jobId} FAILED (exit 137): ` +
          `Essential container in task exited; ${OOM} (the job went over its memory limit of 200 MiB (MEMORY); ` +
          'raise it with --memory, or use less)',
      )
      const job = await describeJob(jobId)
      expect(job.status).toBe('FAILED')
      expect(job.statusReason).toBe('Essential container in task exited')
      expect(job.container?.exitCode).toBe(137)
      expect(job.container?.reason).toBe(OOM)
      expect(job.attempts?.map((a) => [a.container?.exitCode, a.container?.reason])).toEqual([[137, OOM]])
    }, 30_000)

    test('under its memory: the job succeeds', async () => {
      const run = await runCli(['submit', '--queue', 'local', '--memory', '200', '--wait', '--', ...UNDER], {
        env: emulator.env,
      })
      expect(run).toMatchObject({code: 0})
    }, 30_000)

    test('a setsid child is gone once the job ends', async () => {
      const pidFile = path.join(scratch, 'setsid.pid')
      // The watchdog can only follow what it saw: the main process lives on a little so a sample sees the child.
      const linger = mechanism === 'watchdog' ? 'sleep 0.5' : 'true'
      const run = await runCli(
        [
          'submit',
          '--queue',
          'local',
          '--memory',
          '200',
          '--wait',
          '--',
          'sh',
          '-c',
          `setsid sleep 300 & echo $! > ${pidFile}; ${linger}`,
        ],
        {env: emulator.env},
      )
      expect(run.code).toBe(0)
      const pid = readPid(pidFile)!
      expect(pid).toBeGreaterThan(1)
      await until(() => (alive(pid) ? undefined : true), 5000, `the setsid child ${pid} to die`)
    }, 30_000)

    for (const how of ['terminate', 'timeout'] as const) {
      test(`${how} kills the whole group, setsid children included`, async () => {
        const pidFile = path.join(scratch, `${how}.pid`)
        const {jobId} = await batch.send(
          new SubmitJobCommand({
            containerOverrides: {
              command: ['sh', '-c', `setsid sleep 300 & echo $! > ${pidFile}; sleep 300`],
              resourceRequirements: [{type: 'MEMORY', value: '200'}],
            },
            jobDefinition: 'limits',
            jobName: how,
            jobQueue: 'local',
            timeout: how === 'timeout' ? {attemptDurationSeconds: 1} : undefined,
          }),
        )
        const pid = await until(() => readPid(pidFile), 10_000, 'the job to start its setsid child')
        expect(alive(pid)).toBe(true)
        // The watchdog kills what it has seen (README: what a local run predicts): give it a few samples first.
        if (mechanism === 'watchdog') await pause(6 * WATCHDOG_INTERVAL_MS)
        if (how === 'terminate') await batch.send(new TerminateJobCommand({jobId, reason: 'test'}))
        const job = await finished(jobId!)
        expect(job.status).toBe('FAILED')
        expect(job.statusReason).toBe(how === 'terminate' ? 'test' : 'Job attempt duration exceeded timeout')
        await until(() => (alive(pid) ? undefined : true), 5000, `the setsid child ${pid} to die`)
      }, 30_000)
    }

    test('the attempt runs in a private directory outside the state dir', async () => {
      const run = await runCli(
        ['submit', '--queue', 'local', '--memory', '200', '--follow', '--', 'sh', '-c', 'pwd; stat -c %a .'],
        {
          env: emulator.env,
        },
      )
      expect(run.code).toBe(0)
      const [dir, mode] = run.stdout.trim().split('\n').slice(-2)
      expect(path.dirname(dir)).toBe(os.tmpdir())
      expect(path.relative(emulator.stateDir, dir).startsWith('..')).toBe(true)
      expect(mode).toBe('700')
      // Removed once the attempt is over.
      expect(fs.existsSync(dir)).toBe(false)
    }, 30_000)
  })
}
