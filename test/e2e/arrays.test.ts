/**
 * Array jobs in the everyday commands: `submit --array-size N --follow` follows every child (`[i] ` before each
 * line) and exits with the lowest-index failed child's code; `--wait` and `status` name the failed children;
 * `last:N` is child N of the last job; a default job name carries the command's first words only. First `--local`
 * from a fresh HOME as the README runs it, then against an emulator through its environment.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

/** Child i prints two lines; children 1 and 2 fail with 3 and 5. */
const SHARD = [
  'sh',
  '-c',
  'i=$AWS_BATCH_JOB_ARRAY_INDEX; echo "start $i"; echo "end $i"; [ $i = 1 ] && exit 3; [ $i = 2 ] && exit 5; true',
]
const FAILED_REASON = 'Essential container in task exited'

let emulator: TestEmulator
let home: string

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const mfbatch = (args: string[]) => runCli(args, {cwd: home, env: {...emulator.env, HOME: home}})
/** The job id from submit's stderr ("mfbatch:   status: mfbatch status ID"). */
const idIn = (stderr: string): string => /status: \S+ status (\S+)/.exec(stderr)![1]
/** One child's lines, in the order printed, without the prefix. */
const child = (stdout: string, index: number): string[] =>
  lines(stdout)
    .filter((line) => line.startsWith(`[${index}] `))
    .map((line) => line.slice(`[${index}] `.length))

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-arrays-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('submit --local --array-size 3 --follow, as the README runs it', () => {
  let localHome: string
  let env: Record<string, string>

  beforeAll(async () => {
    localHome = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-arrays-local-'))
    env = {HOME: localHome, MFBATCH_EMULATOR_PORT: String(await freePort())}
  })

  afterAll(async () => {
    await stopDaemon(join(localHome, '.local', 'share', 'mfbatch', 'emulator'))
    rmSync(localHome, {force: true, recursive: true})
  })

  test('every child is followed, "[i] " before its lines; the exit code is child 1\'s; the failed ones are named', async () => {
    const result = await runCli(['submit', '--local', '--array-size', '3', '--follow', '--', ...SHARD], {
      cwd: localHome,
      env,
    })
    expect(result.code).toBe(3)
    expect(lines(result.stdout).sort()).toEqual([
      '[0] end 0',
      '[0] start 0',
      '[1] end 1',
      '[1] start 1',
      '[2] end 2',
      '[2] start 2',
    ])
    for (const index of [0, 1, 2]) expect(child(result.stdout, index)).toEqual([`start ${index}`, `end ${index}`])
    const id = idIn(result.stderr)
    expect(lines(result.stderr).slice(-3)).toEqual([
      `mfbatch: job mfbatch-sh ${id} FAILED`,
      `mfbatch: array child ${id}:1 FAILED (exit 3): ${FAILED_REASON}`,
      `mfbatch: array child ${id}:2 FAILED (exit 5): ${FAILED_REASON}`,
    ])

    // `last:N` is child N of that job, in logs and status.
    expect(await runCli(['logs', '--local', 'last:0'], {cwd: localHome, env})).toEqual({
      code: 0,
      stderr: '',
      stdout: 'start 0\nend 0\n',
    })
    const status = await runCli(['status', '--local', 'last:2'], {cwd: localHome, env})
    expect(status.code).toBe(0)
    expect(lines(status.stdout).slice(0, 6)).toEqual([
      `Job\t${id}:2`,
      'Name\tmfbatch-sh',
      'Status\tFAILED',
      `Reason\t${FAILED_REASON}`,
      'Exit code\t5',
      'Array\tchild 2',
    ])
  })
})

describe('array jobs against the emulator', () => {
  test('--wait names each failed child with its exit code and reason, and exits with the lowest index one', async () => {
    const result = await mfbatch(['submit', '--queue', 'local', '--wait', '--array-size', '3', '--', ...SHARD])
    expect(result.code).toBe(3)
    const id = result.stdout.trim()
    expect(lines(result.stderr).slice(-2)).toEqual([
      `mfbatch: array child ${id}:1 FAILED (exit 3): ${FAILED_REASON}`,
      `mfbatch: array child ${id}:2 FAILED (exit 5): ${FAILED_REASON}`,
    ])

    // status: the table's reason and the one-job view name them; --json lists them.
    const table = await mfbatch(['status', '--queue', 'local', '--state', 'failed'])
    const row = lines(table.stdout).find((line) => line.startsWith(`${id}\t`))!
    expect(row.split('\t').slice(1, 5)).toEqual([
      'mfbatch-sh',
      'FAILED',
      '',
      '3 children: 1 SUCCEEDED, 2 FAILED (child 1 exit 3, child 2 exit 5)',
    ])
    const detail = await mfbatch(['status', id])
    expect(lines(detail.stdout).filter((line) => /^(Array|Failed children)\t/.test(line))).toEqual([
      'Array\t3 children: 1 SUCCEEDED, 2 FAILED (child 1 exit 3, child 2 exit 5)',
      `Failed children\t1  exit 3  ${FAILED_REASON} 2  exit 5  ${FAILED_REASON}`,
    ])
    const json = JSON.parse((await mfbatch(['status', '--json', id])).stdout) as {
      jobs: Array<{array: {failed: unknown}}>
    }
    expect(json.jobs[0].array.failed).toEqual([
      {exitCode: 3, index: 1, reason: FAILED_REASON},
      {exitCode: 5, index: 2, reason: FAILED_REASON},
    ])
  })

  test('--follow of an array whose children all succeed: every line, exit 0, no failed child named', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--follow',
      '--array-size',
      '2',
      '--',
      'sh',
      '-c',
      'echo "shard $AWS_BATCH_JOB_ARRAY_INDEX"',
    ])
    expect(result.code).toBe(0)
    expect(lines(result.stdout).sort()).toEqual(['[0] shard 0', '[1] shard 1'])
    expect(result.stderr).not.toContain('array child')
    expect(lines(result.stderr).at(-1)).toBe(`mfbatch: job mfbatch-echo ${idIn(result.stderr)} SUCCEEDED`)
  })

  test("a default job name is the command's first words: never a script, never a key, in stderr or the history", async () => {
    const key = 'sk-proj-0123456789abcdef0123'
    const result = await mfbatch(['submit', '--queue', 'local', '--wait', '--', 'echo', 'call', key])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`submitted job mfbatch-echo-call to queue local`)
    expect(result.stderr).not.toContain('sk-proj')
    const script = await mfbatch(['submit', '--queue', 'local', '--wait', '--', 'sh', '-c', `LR=0.1; echo ${key}`])
    expect(script.stderr).toContain('submitted job mfbatch-sh to queue local')
    const history = filesUnder(join(home, '.cache', 'mfbatch')).map((file) => readFileSync(file, 'utf8'))
    expect(history.join('\n')).toContain('mfbatch-echo-call')
    expect(history.join('\n')).not.toContain('sk-proj')
    expect(history.join('\n')).not.toContain('LR_0_1')
  })

  test('submit --help documents AWS_BATCH_JOB_ARRAY_INDEX', async () => {
    const help = await mfbatch(['submit', '--help'])
    expect(help.stdout).toContain('AWS_BATCH_JOB_ARRAY_INDEX')
  })
})

function filesUnder(dir: string): string[] {
  let found: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    found = statSync(path).isDirectory() ? [...found, ...filesUnder(path)] : [...found, path]
  }

  return found
}
