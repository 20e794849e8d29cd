/**
 * Small things of waiting and following: `submit --nodes N --follow --all-nodes` interleaves every node's log,
 * `logs` with no job suggests `last`, and the pipe detail view of `status JOB` gives durations a unit and a running
 * attempt says "running", not "no exit code". (The RUNNABLE diagnosis's kill command: test/e2e/submit.test.ts.)
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const mfbatch = (args: string[]) => runCli(args, {cwd: home, env: {...emulator.env, HOME: home}})

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-waiting-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('submit --nodes N --follow --all-nodes', () => {
  test('every node\'s lines, "[N] " before each; the exit code is the main node\'s', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--quiet',
      '--nodes',
      '2',
      '--follow',
      '--all-nodes',
      '--',
      'sh',
      '-c',
      'echo "node $AWS_BATCH_JOB_NODE_INDEX"; [ "$AWS_BATCH_JOB_NODE_INDEX" = 0 ] && sleep 1 && exit 4; true',
    ])
    expect(lines(result.stdout).sort()).toEqual(['[0] node 0', '[1] node 1'])
    expect([result.code, result.stderr]).toEqual([4, ''])
  })

  test('--all-nodes without --nodes, or without --follow: one line naming the flag, before any call', async () => {
    await emulator.resetStats()
    expect(await mfbatch(['submit', '--queue', 'local', '--follow', '--all-nodes', '--', 'true'])).toEqual({
      code: 125,
      stderr: 'mfbatch: --all-nodes: only a multi-node job (--nodes N) has a log per node; drop --all-nodes\n',
      stdout: '',
    })
    expect(await mfbatch(['submit', '--queue', 'local', '--nodes', '2', '--all-nodes', '--', 'true'])).toEqual({
      code: 2,
      stderr: "mfbatch: --all-nodes prints every node's log: add --follow\n",
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})

describe('logs with no job', () => {
  test('suggests last, in one line, exit 2; with --follow exit 125', async () => {
    expect(await mfbatch(['logs'])).toEqual({
      code: 2,
      stderr: 'mfbatch: which job? give its id, or last for the one submitted last from here: mfbatch logs last\n',
      stdout: '',
    })
    expect((await mfbatch(['logs', '--follow'])).code).toBe(125)
  })
})

describe('status JOB in a pipe', () => {
  test('durations carry their unit; a retried job\'s running attempt says "running"', async () => {
    const script = 'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then exit 2; fi; echo up; sleep 60'
    const submitted = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--quiet',
      '--retries',
      '1',
      '--',
      'sh',
      '-c',
      script,
    ])
    const id = submitted.stdout.trim()
    // Wait for the second attempt's first line: it is running then.
    const until = Date.now() + 30_000
    // eslint-disable-next-line no-await-in-loop -- polls until the condition holds
    while ((await mfbatch(['logs', id])).stdout !== 'up\n') {
      if (Date.now() > until) throw new Error('the second attempt never started')
    }

    const result = await mfbatch(['status', id])
    await mfbatch(['kill', id])
    expect([result.code, result.stderr]).toEqual([0, ''])
    const pairs = new Map(lines(result.stdout).map((line) => line.split('\t') as [string, string]))
    expect(pairs.get('Status')).toBe('RUNNING')
    expect(pairs.get('Duration')).toMatch(/^\d+s$/)
    expect(pairs.get('Attempts')).toMatch(
      /^#1 {2}exit 2 {2}\d+s {2}Essential container in task exited {2}log \S+ #2 {2}running {2}log \S+$/,
    )
  })
})
