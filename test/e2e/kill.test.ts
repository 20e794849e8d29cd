/**
 * `mfbatch kill` as users run it: the built CLI in a child process against an emulator on a free port, with jobs
 * submitted by AWS's own client and their end checked the same way (DescribeJobs), calls counted by the emulator.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {spawn} from 'node:child_process'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll, submitJobs, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const finished = (status?: string): boolean => status === 'SUCCEEDED' || status === 'FAILED'
/** Waiting for a compute environment that none of these jobs fits: RUNNABLE, where they stay. */
const queued = (status?: string): boolean => status === 'RUNNABLE'
const kill = (args: string[], timeoutMs?: number) => runCli(['kill', ...args], {env: emulator.env, timeoutMs})

// One emulator for the whole file: jobs submitted once serve every test.

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('kill', () => {
  test('200 queued and running jobs: all end, in 4 TerminateJobs calls of up to 50', async () => {
    const ids = await submitJobs(batch, {command: 'sleep 300', count: 200, name: 'many'})
    // Four fit the emulator's four vCPUs; the rest wait in the queue.
    await waitUntil(batch, ids, (status) => status === 'RUNNING' || status === 'RUNNABLE')
    const running = (await describeAll(batch, ids)).filter((job) => job.status === 'RUNNING')
    expect(running.length).toBeGreaterThan(0)
    await emulator.resetStats()
    const result = await kill([...ids, ids[0]], 90_000)
    expect(result.code).toBe(0)
    expect(lines(result.stdout).sort()).toEqual([...ids].sort())
    expect(result.stderr).toBe('mfbatch: terminated 200, already finished 0, not found 0\n')
    const stats = await emulator.stats()
    expect([stats['batch:TerminateJobs'], stats['batch:TerminateJob'], stats['batch:DescribeJobs']]).toEqual([
      4,
      undefined,
      2,
    ])
    const ended = await waitUntil(batch, ids, finished)
    expect(new Set(ended.map((job) => job.status))).toEqual(new Set(['FAILED']))
    expect(new Set(ended.map((job) => job.statusReason))).toEqual(new Set(['Terminated by mfbatch']))
  }, 120_000)

  test('killing a job twice is fine: the second time it is reported as already finished', async () => {
    const [id] = await submitJobs(batch, {command: 'sleep 300', count: 1, name: 'twice'})
    const first = await kill([id, '--reason', 'enough'])
    expect(first).toEqual({
      code: 0,
      stderr: 'mfbatch: terminated 1, already finished 0, not found 0\n',
      stdout: `${id}\n`,
    })
    const [job] = await waitUntil(batch, [id], finished)
    expect(job.statusReason).toBe('enough')
    expect(await kill([id])).toEqual({
      code: 0,
      stderr: `mfbatch: job ${id} already finished: FAILED\nmfbatch: terminated 0, already finished 1, not found 0\n`,
      stdout: '',
    })
  })

  test('an unknown id exits 1; --json reports every group', async () => {
    const [id] = await submitJobs(batch, {command: 'true', count: 1, name: 'mixed', vcpus: 64})
    const result = await kill(['--json', id, UNKNOWN])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual({alreadyFinished: [], failed: [], notFound: [UNKNOWN], terminated: [id]})
    expect(result.stderr).toBe(
      `mfbatch: job ${UNKNOWN} not found (AWS Batch keeps finished jobs for about 7 days)\n` +
        'mfbatch: terminated 1, already finished 0, not found 1\n',
    )
  })

  test('--queue without --yes when stdin is not a terminal: exit 2, no API call', async () => {
    await emulator.resetStats()
    expect(await kill(['--queue', 'local'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --queue: add --yes to terminate jobs chosen by queue when stdin is not a terminal\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })

  test('--queue --yes with a name filter terminates only the matching jobs', async () => {
    const keep = await submitJobs(batch, {command: 'true', count: 3, name: 'keep', vcpus: 64})
    const drop = await submitJobs(batch, {command: 'true', count: 3, name: 'drop', vcpus: 64})
    // The emulator moves a job from SUBMITTED to RUNNABLE a moment after accepting it, as AWS does.
    await waitUntil(batch, [...keep, ...drop], queued)
    const result = await kill(['--queue', 'local', '--name', 'drop-*', '--yes'])
    expect(result.code).toBe(0)
    expect(lines(result.stdout).sort()).toEqual([...drop].sort())
    expect(result.stderr).toBe('mfbatch: terminated 3, already finished 0, not found 0\n')
    expect((await describeAll(batch, keep)).map((job) => job.status)).toEqual(['RUNNABLE', 'RUNNABLE', 'RUNNABLE'])
    await kill(keep)
  })

  test('--queue on a terminal asks first; declining terminates nothing', async () => {
    const ids = await submitJobs(batch, {command: 'true', count: 2, name: 'asked', vcpus: 64})
    await waitUntil(batch, ids, queued)
    // `script` gives the CLI a pseudo-terminal, as a user's shell would; the user answers "n" once asked.
    const command = [process.execPath, RUN, 'kill', '--queue', 'local', '--name', 'asked-'].map((a) => `'${a}'`)
    const result = await answerOnTerminal(command.join(' '), '[y/N] ', 'n\n')
    expect(result.code).toBe(0)
    const shown = lines(result.output.replaceAll('\r', ''))
    // The jobs first (id, status, name), newest first: the two were made within a millisecond, so either order.
    expect(shown[0]).toBe('2 jobs of queue local would be terminated:')
    expect(shown.slice(1, 3).sort()).toEqual(ids.map((id, i) => `  ${id}  RUNNABLE  asked-${i}`).sort())
    expect(shown.slice(3)).toEqual(['Terminate these 2 jobs of queue local? [y/N] n', 'mfbatch: nothing terminated'])
    expect((await describeAll(batch, ids)).map((job) => job.status)).toEqual(['RUNNABLE', 'RUNNABLE'])
    await kill(ids)
  })

  test('--queue on a terminal lists at most 20 jobs, then how many more; "y" terminates them all', async () => {
    const ids = await submitJobs(batch, {command: 'true', count: 23, name: 'listed', vcpus: 64})
    await waitUntil(batch, ids, queued)
    const command = [process.execPath, RUN, 'kill', '--queue', 'local', '--name', 'listed-'].map((a) => `'${a}'`)
    const result = await answerOnTerminal(command.join(' '), '[y/N] ', 'y\n')
    expect(result.code).toBe(0)
    const shown = lines(result.output.replaceAll('\r', ''))
    expect(shown[0]).toBe('23 jobs of queue local would be terminated:')
    const rows = shown.slice(1, 21)
    for (const row of rows) expect(row).toMatch(/^ {2}[\da-f-]{36} {2}RUNNABLE {2}listed-\d+$/)
    expect(new Set(rows.map((row) => row.trim().split(/\s+/)[0])).size).toBe(20)
    expect(shown.slice(21, 23)).toEqual(['  and 3 more', 'Terminate these 23 jobs of queue local? [y/N] y'])
    expect(shown.at(-1)).toBe('mfbatch: terminated 23, already finished 0, not found 0')
    expect((await waitUntil(batch, ids, finished)).map((job) => job.status)).toEqual(ids.map(() => 'FAILED'))
  })

  test('under throttling (3 requests a second), every job still ends', async () => {
    const slow = await startEmulator({args: ['--vcpus', '4', '--throttle-rps', '3']})
    try {
      const client = batchClient(slow)
      const ids = await submitJobs(client, {command: 'true', count: 20, name: 'throttled', vcpus: 64})
      const result = await runCli(['kill', ...ids], {env: slow.env, timeoutMs: 90_000})
      expect(result.code).toBe(0)
      expect(lines(result.stdout).sort()).toEqual([...ids].sort())
      expect(result.stderr).toBe('mfbatch: terminated 20, already finished 0, not found 0\n')
      const ended = await waitUntil(client, ids, finished, 30_000)
      expect(ended.map((job) => job.statusReason)).toEqual(ids.map(() => 'Terminated by mfbatch'))
    } finally {
      await slow.stop()
      removeStateDir(slow.stateDir)
    }
  }, 120_000)

  test('a malformed id exits 2 naming it', async () => {
    expect(await kill(['12345'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: job id: "12345" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN\n',
      stdout: '',
    })
  })
})

/** Runs a shell command on a pseudo-terminal and types `answer` once `prompt` shows; resolves with all it printed. */
function answerOnTerminal(
  command: string,
  prompt: string,
  answer: string,
): Promise<{code: null | number; output: string}> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: {...cleanEnv(), ...emulator.env, CI: '1', NO_COLOR: '1'},
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (output.endsWith(prompt)) child.stdin.write(answer)
    })
    child.on('close', (code) => {
      resolve({code, output})
    })
  })
}

describe('kill against an endpoint without TerminateJobs', () => {
  let older: TestEmulator
  beforeAll(async () => {
    older = await startEmulator({args: ['--vcpus', '2', '--refuse-operation', 'TerminateJobs']})
  })
  afterAll(async () => {
    await older?.stop()
    if (older) removeStateDir(older.stateDir)
  })

  test('one refused TerminateJobs (404 UnknownOperationException), then one TerminateJob a job', async () => {
    const client = batchClient(older)
    const ids = await submitJobs(client, {command: 'sleep 300', count: 60, name: 'older'})
    await older.resetStats()
    const result = await runCli(['kill', '--reason', 'older endpoint', ...ids], {env: older.env, timeoutMs: 60_000})
    expect(result.code).toBe(0)
    expect(lines(result.stdout).sort()).toEqual([...ids].sort())
    expect(result.stderr).toBe('mfbatch: terminated 60, already finished 0, not found 0\n')
    const stats = await older.stats()
    expect([stats['batch:TerminateJobs'], stats['batch:TerminateJob']]).toEqual([1, 60])
    const ended = await waitUntil(client, ids, finished)
    expect(new Set(ended.map((job) => job.statusReason))).toEqual(new Set(['older endpoint']))
  }, 90_000)
})
