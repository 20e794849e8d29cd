/**
 * `submit --retries N --retry-on KINDS` against the emulator, each kind with the failure it names: an OOM (a job
 * allocating more than --memory), exit codes, and a lost host (the emulator killed and started again on the same
 * state: a job that was running reports `Host EC2 (instance ...) terminated.`, as AWS does when an instance goes).
 * The emulator applies the rules as Batch does; the attempts are read with AWS's own client.
 */
import type {BatchClient, JobDetail} from '@aws-sdk/client-batch'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

const OOM = 'OutOfMemoryError: Container killed due to memory usage'
const ALLOCATE = ['python3', '-c', 'x = bytearray(400 << 20)']
const submit = (args: string[]) =>
  runCli(['submit', '--queue', 'local', ...args], {env: emulator.env, timeoutMs: 60_000})
const attemptsOf = (job: JobDetail) =>
  (job.attempts ?? []).map((a) => [a.container?.exitCode, a.container?.reason ?? a.statusReason])
const one = async (id: string): Promise<JobDetail> => (await describeAll(batch, [id]))[0]

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('--retry-on', () => {
  test('oom: an OOM-killed job is tried again; under exit:3 the same OOM ends it at once', async () => {
    const retried = await submit(['--memory', '64', '--retries', '1', '--retry-on', 'oom', '--wait', '--', ...ALLOCATE])
    expect(retried.code).toBe(137)
    const ended = await submit([
      '--memory',
      '64',
      '--retries',
      '1',
      '--retry-on',
      'exit:3',
      '--wait',
      '--',
      ...ALLOCATE,
    ])
    expect(ended.code).toBe(137)
    expect(attemptsOf(await one(retried.stdout.trim()))).toEqual([
      [137, OOM],
      [137, OOM],
    ])
    expect(attemptsOf(await one(ended.stdout.trim()))).toEqual([[137, OOM]])
  }, 90_000)

  test('exit:CODES: the codes named are retried, any other ends the job', async () => {
    const three = await submit(['--retries', '2', '--retry-on', 'exit:3,4', '--wait', '--', 'sh', '-c', 'exit 3'])
    const five = await submit(['--retries', '2', '--retry-on', 'exit:3,4', '--wait', '--', 'sh', '-c', 'exit 5'])
    expect([three.code, five.code]).toEqual([3, 5])
    const job3 = await one(three.stdout.trim())
    expect(attemptsOf(job3).map(([code]) => code)).toEqual([3, 3, 3])
    expect(job3.retryStrategy).toEqual({
      attempts: 3,
      evaluateOnExit: [
        {action: 'RETRY', onExitCode: '3'},
        {action: 'RETRY', onExitCode: '4'},
        {action: 'EXIT', onReason: '*'},
      ],
    })
    expect(attemptsOf(await one(five.stdout.trim())).map(([code]) => code)).toEqual([5])
  }, 90_000)

  test('host: a job whose host is lost is tried again; under oom it fails with the host reason', async () => {
    const host = await submit(['--retries', '1', '--retry-on', 'host', '--', 'sleep', '300'])
    const oom = await submit(['--retries', '1', '--retry-on', 'oom', '--', 'sleep', '300'])
    const ids = [host.stdout.trim(), oom.stdout.trim()]
    await waitUntil(batch, ids, (status) => status === 'RUNNING')
    // The instance goes away: the emulator dies with the jobs running and comes back on the same state.
    await emulator.kill()
    emulator = await startEmulator({args: ['--vcpus', '4'], port: emulator.port, stateDir: emulator.stateDir})
    batch = batchClient(emulator)
    const [retried] = await waitUntil(batch, [ids[0]], (status) => status === 'RUNNING')
    const [failed] = await describeAll(batch, [ids[1]])
    expect(retried.attempts?.map((a) => a.statusReason)).toEqual([
      expect.stringMatching(/^Host EC2 \(instance \S+\) terminated\.$/),
    ])
    expect([failed.status, failed.statusReason]).toEqual([
      'FAILED',
      expect.stringMatching(/^Host EC2 \(instance \S+\) terminated\.$/),
    ])
    await runCli(['kill', ids[0]], {env: emulator.env})
  }, 90_000)

  test('--dry-run shows the rules; rerun keeps them', async () => {
    const dry = await submit(['--retries', '3', '--retry-on', 'host,start', '--dry-run', '--', 'true'])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout).submitJob.retryStrategy).toEqual({
      attempts: 4,
      evaluateOnExit: [
        {action: 'RETRY', onStatusReason: 'Host EC2*'},
        {action: 'RETRY', onReason: 'CannotPullContainerError*'},
        {action: 'RETRY', onReason: 'CannotStartContainerError*'},
        {action: 'EXIT', onReason: '*'},
      ],
    })
    const done = await submit(['--retries', '1', '--retry-on', 'oom', '--wait', '--', 'true'])
    expect(done.code).toBe(0)
    const again = await runCli(['rerun', done.stdout.trim(), '--dry-run'], {env: emulator.env})
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout).submitJob.retryStrategy).toEqual({
      attempts: 2,
      evaluateOnExit: [
        {action: 'RETRY', onReason: 'OutOfMemoryError*'},
        {action: 'EXIT', onReason: '*'},
      ],
    })
  }, 60_000)

  test('bad input: one line naming the flag, exit 2, no call', async () => {
    await emulator.resetStats()
    expect(await submit(['--retries', '1', '--retry-on', 'spot', '--', 'true'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: --retry-on: "spot" is not allowed; use host, oom, start, exit:CODES (e.g. exit:137,143) or all, separated by commas\n',
      stdout: '',
    })
    expect(await submit(['--retry-on', 'oom', '--', 'true'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --retry-on: needs --retries N (1 to 9): with no retry there is nothing to choose\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})
