/**
 * `mfbatch logs` as users run it: jobs submitted with `mfbatch submit`, logs read by the built CLI in a child
 * process against an emulator on a free port. Whole outputs are compared: every line, in order, exactly once.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const env = () => ({...emulator.env, HOME: home})
const mfbatch = (args: string[], timeoutMs?: number) => runCli(args, {cwd: home, env: env(), timeoutMs})
const logs = (args: string[], timeoutMs?: number) => mfbatch(['logs', ...args], timeoutMs)
const numbered = (from: number, to: number, prefix = ''): string =>
  Array.from({length: to - from + 1}, (_, i) => `${prefix}${from + i}\n`).join('')

/** Submits `sh -c script` to the local queue; with `wait`, returns once the job has ended. */
async function submit(script: string, options: {args?: string[]; wait?: boolean} = {}): Promise<string> {
  const wait = options.wait ? ['--wait'] : []
  const result = await mfbatch([
    'submit',
    '--queue',
    'local',
    ...wait,
    ...(options.args ?? []),
    '--',
    'sh',
    '-c',
    script,
  ])
  const id = result.stdout.trim()
  if (!/^[\da-f-]{36}$/.test(id)) throw new Error(`submit failed: ${result.stderr}`)
  return id
}

// One emulator for the whole file.

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-logs-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('logs', () => {
  test('50,000 numbered lines: all of them, in order, once; pages of 10,000', async () => {
    const id = await submit('seq 1 50000', {wait: true})
    await emulator.resetStats()
    const result = await logs([id])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout === numbered(1, 50_000)).toBe(true)
    // 5 full pages, then the call that hands back the same token.
    expect((await emulator.stats())['logs:GetLogEvents']).toBe(6)
  })

  test('lines with quotes, tabs, escape sequences, CRs and other scripts: what their messages are, byte for byte', async () => {
    // Pages of 3,000 such lines are large enough to be read as lines from the answer's bytes; with --since the same
    // pages are read as events: both must print the messages (as --json gives them), each on its own line.
    const lines = String.raw`awk 'BEGIN { for (i = 1; i <= 3000; i++) {
      if (i % 3 == 0) printf "%05d plain é 漢字 🙂 },{ ] : x\n", i
      else if (i % 3 == 1) printf "%05d \"quoted\" and a back\\slash\n", i
      else printf "%05d tab\there, \033[31mred\033[0m, a CR\r\n", i } }'`
    const id = await submit(lines, {wait: true})
    const json = await logs(['--json', id])
    const messages = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as {message: string}).message)
    expect(messages).toHaveLength(3000)
    expect(messages.slice(0, 3)).toEqual([
      String.raw`00001 "quoted" and a back\slash`,
      '00002 tab\there, \u001B[31mred\u001B[0m, a CR\r',
      '00003 plain é 漢字 🙂 },{ ] : x',
    ])
    const expected = messages.map((message) => `${message.replace(/\r?\n$/, '')}\n`).join('')
    const plain = await logs([id])
    const since = await logs(['--since', '2000-01-01T00:00:00Z', id])
    expect({code: plain.code, stderr: plain.stderr, stdout: plain.stdout}).toEqual({
      code: 0,
      stderr: '',
      stdout: expected,
    })
    expect(since.stdout === plain.stdout).toBe(true)
  })

  test('--follow of a job printing a line every 100 ms for 10 s loses and doubles nothing, and ends by itself', async () => {
    const id = await submit('i=1; while [ $i -le 100 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done')
    const started = Date.now()
    const result = await logs(['--follow', id], 40_000)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(numbered(1, 100, 'tick '))
    expect(result.stderr).toMatch(/ SUCCEEDED: Essential container in task exited\n$/)
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  test('--follow hands the job exit code through; --tail, --timestamps and --json', async () => {
    const id = await submit('echo first; echo second; echo third; exit 7')
    const followed = await logs(['-f', id])
    expect([followed.code, followed.stdout]).toEqual([7, 'first\nsecond\nthird\n'])
    expect((await logs(['--tail', '2', id])).stdout).toBe('second\nthird\n')
    expect((await logs(['--timestamps', '--tail', '1', id])).stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z third\n$/,
    )
    const json = (await logs(['--json', id])).stdout
    const records = json
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(records.map((r) => r.message)).toEqual(['first', 'second', 'third'])
    expect(Object.keys(records[0])).toEqual(['timestamp', 'message', 'stream'])
    expect(records[0].stream).toMatch(/^mfbatch_[\da-f]{64}\/default\/\S+$/)
    expect(typeof records[0].timestamp).toBe('number')
  })

  test('array children are JOBID:N; the parent reads every child, "[i] " before each line', async () => {
    const id = await submit('echo "child $AWS_BATCH_JOB_ARRAY_INDEX"; [ "$AWS_BATCH_JOB_ARRAY_INDEX" != 1 ]', {
      args: ['--array-size', '3'],
      wait: true,
    })
    expect(await logs([`${id}:2`])).toEqual({code: 0, stderr: '', stdout: 'child 2\n'})
    expect(await logs([`${id}:0`])).toEqual({code: 0, stderr: '', stdout: 'child 0\n'})
    // The children run at once: their lines come by timestamp, so the order is not fixed; each line once.
    const all = await logs([id])
    expect({...all, stdout: all.stdout.split('\n').sort()}).toEqual({
      code: 0,
      stderr: '',
      stdout: ['', '[0] child 0', '[1] child 1', '[2] child 2'],
    })
    expect((await logs(['--tail', '1', id])).stdout).toMatch(/^\[[0-2]] child [0-2]\n$/)
    const records = (await logs(['--json', id])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(records.map((r) => [r.node, r.message]).sort()).toEqual([
      [0, 'child 0'],
      [1, 'child 1'],
      [2, 'child 2'],
    ])
    // Following a finished array: the same lines, then the failed child named, and its exit code.
    const followed = await logs(['--follow', id])
    expect(followed.code).toBe(1)
    expect(followed.stdout.split('\n').sort()).toEqual(['', '[0] child 0', '[1] child 1', '[2] child 2'])
    expect(followed.stderr).toContain(
      `mfbatch: array child ${id}:1 FAILED (exit 1): Essential container in task exited\n`,
    )
    expect(await logs(['--all-nodes', id])).toEqual({
      code: 2,
      stderr: `mfbatch: --all-nodes: job ${id} is not a multi-node parallel job; drop --all-nodes to read its log\n`,
      stdout: '',
    })
  })

  test('each attempt of a retried job has its own log: --attempt N, the latest by default', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--retries',
      '1',
      '--wait',
      '--',
      'sh',
      '-c',
      'echo "attempt $AWS_BATCH_JOB_ATTEMPT"; exit 4',
    ])
    expect(result.code).toBe(4)
    const id = result.stdout.trim()
    expect((await logs(['--attempt', '1', id])).stdout).toBe('attempt 1\n')
    expect((await logs(['--attempt', '2', id])).stdout).toBe('attempt 2\n')
    expect((await logs([id])).stdout).toBe('attempt 2\n')
    expect(await logs(['--attempt', '3', id])).toEqual({
      code: 1,
      stderr: `mfbatch: job ${id} ran 2 attempts; --attempt 3 does not exist\n`,
      stdout: '',
    })
  })

  test('submit --follow of a retried job prints every attempt, in order', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--retries',
      '2',
      '--follow',
      '--',
      'sh',
      '-c',
      'echo "try $AWS_BATCH_JOB_ATTEMPT"; exit 5',
    ])
    expect([result.code, result.stdout]).toEqual([5, 'try 1\ntry 2\ntry 3\n'])
  })

  test('a job that has not started: nothing on stdout, a note on stderr, exit 0', async () => {
    const id = await submit('true', {args: ['--cpu', '64']})
    const result = await logs([id])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      new RegExp(
        `^mfbatch: job ${id} is (SUBMITTED|PENDING|RUNNABLE)\\b.*: attempt 1 has not started, so there are no logs yet\\n$`,
      ),
    )
    await mfbatch(['kill', id])
  })

  test('| head -1 ends at once with 0 and nothing on stderr', async () => {
    const id = await submit('seq 1 50000', {wait: true})
    const piped = spawnSync('bash', ['-c', `node "${RUN}" logs ${id} | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: home,
      encoding: 'utf8',
      env: {...cleanEnv(), ...env()},
      timeout: 20_000,
    })
    expect(piped.stdout).toBe('1\n')
    expect(piped.stderr).toBe('exit=0\n')
  })

  test('a malformed job id: exit 2 before any API call (125 with --follow)', async () => {
    await emulator.resetStats()
    const plain = await logs(['not-a-job'])
    const follow = await logs(['--follow', 'not-a-job'])
    const message =
      'mfbatch: JOB: "not-a-job" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN\n'
    expect(plain).toEqual({code: 2, stderr: message, stdout: ''})
    expect(follow).toEqual({code: 125, stderr: message, stdout: ''})
    expect(await emulator.stats()).toEqual({})
  })

  test('an unknown job: exit 1, or 125 with --follow', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    const message = `mfbatch: job ${unknown} not found (AWS Batch keeps finished jobs for about 7 days)\n`
    expect(await logs([unknown])).toEqual({code: 1, stderr: message, stdout: ''})
    expect(await logs(['--follow', unknown])).toEqual({code: 125, stderr: message, stdout: ''})
  })
})

describe('logs when AWS misbehaves', () => {
  let faulty: TestEmulator

  beforeAll(async () => {
    faulty = await startEmulator({args: ['--vcpus', '2', '--fault-5xx', '0.2', '--throttle-rps', '8', '--seed', '5']})
  })

  afterAll(async () => {
    await faulty?.stop()
    if (faulty) removeStateDir(faulty.stateDir)
  })

  test('--follow through 5xx answers and throttling: every line once, in order', async () => {
    const run = (args: string[]) => runCli(args, {cwd: home, env: {...faulty.env, HOME: home}, timeoutMs: 60_000})
    const submitted = await run([
      'submit',
      '--queue',
      'local',
      '--quiet',
      '--',
      'sh',
      '-c',
      'seq 1 3000; sleep 2; seq 3001 6000',
    ])
    const id = submitted.stdout.trim()
    const result = await run(['logs', '--follow', id])
    expect(result.code).toBe(0)
    expect(result.stdout === numbered(1, 6000)).toBe(true)
    // The faults did happen: the emulator counts what it injected.
    expect((await faulty.faults()).fault5xx).toBeGreaterThan(0)
  }, 90_000)
})
