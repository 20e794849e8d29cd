/**
 * `submit --wait --oom-retry N [--oom-factor F]` against the emulator: a job that needs about 300 MiB, submitted with
 * 256 MiB, is OOM-killed, rerun with 512 MiB (tagged with the job it replaces) and succeeds; the exit code is the
 * last job's. The jobs are read back with AWS's own client.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

const NEEDS_300 = ['python3', '-c', "x = b'x' * (300 << 20); print('filled', len(x) >> 20)"]
const NEEDS_600 = ['python3', '-c', "x = b'x' * (600 << 20)"]
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const submit = (args: string[]) =>
  runCli(['submit', '--queue', 'local', '--quiet', ...args], {env: emulator.env, timeoutMs: 90_000})
const memoryOf = (job: {container?: {resourceRequirements?: Array<{type?: string; value?: string}>}}) =>
  job.container?.resourceRequirements?.find((r) => r.type === 'MEMORY')?.value

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '2']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('--oom-retry', () => {
  test('256 MiB -> OOM -> 512 MiB -> succeeds: exit 0, the rerun said on stderr and tagged', async () => {
    const result = await submit(['--memory', '256', '--oom-retry', '2', '--wait', '--', ...NEEDS_300])
    expect(result.code).toBe(0)
    const [first] = lines(result.stdout)
    expect(lines(result.stdout)).toEqual([first])
    const said = new RegExp(
      `^mfbatch: job ${first} ran out of memory at 256 MiB; rerunning it with 512 MiB \\(--oom-retry 1 of 2\\) as job (${UUID})$`,
    )
    expect(lines(result.stderr)).toEqual([expect.stringMatching(said)])
    const second = said.exec(result.stderr.trim())![1]
    const [old, rerun] = await describeAll(batch, [first, second])
    expect([old.status, old.container?.exitCode, old.container?.reason, memoryOf(old)]).toEqual([
      'FAILED',
      137,
      'OutOfMemoryError: Container killed due to memory usage',
      '256',
    ])
    expect([rerun.status, rerun.container?.exitCode, memoryOf(rerun), rerun.tags?.['mfbatch:rerun-of']]).toEqual([
      'SUCCEEDED',
      0,
      '512',
      first,
    ])
    const logs = await runCli(['logs', second], {env: emulator.env})
    expect(logs.stdout).toBe('filled 300\n')
  }, 120_000)

  test('still out of memory when the reruns are used up: the last job exit code (137), said once', async () => {
    const result = await submit([
      '--memory',
      '256',
      '--oom-retry',
      '1',
      '--oom-factor',
      '1.5',
      '--json',
      '--wait',
      '--',
      ...NEEDS_600,
    ])
    expect(result.code).toBe(137)
    const doc = JSON.parse(result.stdout)
    const [first, second] = doc.oomChain.map((link: {jobId: string}) => link.jobId)
    expect(doc.oomChain).toEqual([
      {jobId: first, memory: 256},
      {jobId: second, memory: 384},
    ])
    expect([doc.jobId, doc.result.exitCode, doc.result.status, doc.result.reason]).toEqual([
      second,
      137,
      'FAILED',
      'OutOfMemoryError: Container killed due to memory usage',
    ])
    expect(lines(result.stderr)).toEqual([
      `mfbatch: job ${first} ran out of memory at 256 MiB; rerunning it with 384 MiB (--oom-retry 1 of 1) as job ${second}`,
      `mfbatch: job ${second} ran out of memory at 384 MiB again; --oom-retry 1 is used up`,
    ])
  }, 120_000)

  test('an array: only the children that ran out of memory, as a new array of those indices', async () => {
    const byIndex = [
      'python3',
      '-c',
      "import os; i = int(os.environ['AWS_BATCH_JOB_ARRAY_INDEX']); x = b'x' * ((300 if i % 2 else 10) << 20); print('index', i)",
    ]
    const result = await submit([
      '--memory',
      '256',
      '--array-size',
      '4',
      '--oom-retry',
      '1',
      '--wait',
      '--',
      ...byIndex,
    ])
    expect(result.code).toBe(0)
    const [first] = lines(result.stdout)
    const said = new RegExp(
      `^mfbatch: array job ${first}: children 1, 3 ran out of memory at 256 MiB; rerunning them with 512 MiB \\(--oom-retry 1 of 1\\) as job (${UUID})$`,
    )
    expect(lines(result.stderr)).toEqual([expect.stringMatching(said)])
    const second = said.exec(result.stderr.trim())![1]
    const [rerun] = await describeAll(batch, [second])
    expect([rerun.status, rerun.arrayProperties?.size, memoryOf(rerun), rerun.tags?.['mfbatch:rerun-of']]).toEqual([
      'SUCCEEDED',
      2,
      '512',
      first,
    ])
    // Each child of the new array runs as the index it replaces.
    const logs = await Promise.all([0, 1].map((n) => runCli(['logs', `${second}:${n}`], {env: emulator.env})))
    expect(logs.map((log) => log.stdout)).toEqual(['index 1\n', 'index 3\n'])
  }, 120_000)

  test('a job that fails otherwise is not rerun', async () => {
    await emulator.resetStats()
    const result = await submit(['--oom-retry', '2', '--wait', '--', 'sh', '-c', 'exit 3'])
    expect([result.code, result.stderr, lines(result.stdout).length]).toEqual([3, '', 1])
    expect((await emulator.stats())['batch:SubmitJob']).toBe(1)
  }, 60_000)

  test('bad input: one line naming the flag, before any call (2; 125 when waiting)', async () => {
    await emulator.resetStats()
    expect(await submit(['--oom-retry', '2', '--', 'true'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --oom-retry: needs --wait or --follow (the job is rerun once it is seen out of memory)\n',
      stdout: '',
    })
    expect(await submit(['--oom-retry', '2', '--oom-factor', '0.5', '--wait', '--', 'true'])).toEqual({
      code: 125,
      stderr: 'mfbatch: --oom-factor: "0.5" is not allowed; use a number greater than 1 and at most 16, such as 1.5\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})
