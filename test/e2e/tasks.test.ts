/**
 * `submit --tasks` as a newcomer runs it: `--local` from a fresh HOME with no AWS_* variables (the emulator starts
 * in the background on a free port). A 3-row sweep whose rows reach each child's environment, with one failing
 * row; bad tables refused before anything is started or called.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let home: string
let project: string
let env: Record<string, string>
/** The 3-row sweep's job id, for the tests after it. */
let sweep = ''

const mfbatch = (...args: string[]) => runCli(args, {cwd: project, env, timeoutMs: 120_000})
/** The sweep's command: prints its row, fails on the row whose epochs is "fail" unless FIXED is set. */
const SWEEP = [
  '--',
  'sh',
  '-c',
  'echo "lr=$lr epochs=$epochs note=$note"; [ "$epochs" != fail ] || [ -n "$FIXED" ] || exit 7',
]

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-tasks-'))
  project = join(home, 'project')
  mkdirSync(project)
  env = {HOME: home, MFBATCH_EMULATOR_PORT: String(await freePort())}
  writeFileSync(join(project, 'params.csv'), 'lr,epochs,note\n0.1,3,plain\n0.01,fail,"a, b"\n0.001,5,"say ""hi"""\n')
})

afterAll(async () => {
  await stopDaemon(join(home, '.local', 'share', 'mfbatch', 'emulator'))
  rmSync(home, {force: true, recursive: true})
})

describe('submit --tasks', () => {
  test.each([
    ['empty.csv', '', '--tasks: empty.csv is empty; give a header row of variable names, then one row per task'],
    [
      'ragged.csv',
      'lr,epochs\n0.1,3\n0.2\n',
      '--tasks: ragged.csv line 3: 1 field, but the header has 2; every row needs one value per column',
    ],
    [
      'names.tsv',
      'lr\tAWS_BATCH_JOB_ID\n1\t2\n',
      '--tasks: names.tsv line 1: AWS_BATCH_JOB_ID is reserved (AWS_BATCH_*, MFBATCH_*, ECS_*); rename the column',
    ],
    [
      'big.csv',
      `i\n${Array.from({length: 10_001}, (_, i) => i).join('\n')}\n`,
      '--tasks: big.csv line 10002: more than 10000 rows; AWS Batch runs at most 10,000 array children',
    ],
  ])('%s is refused before the emulator starts or any call: exit 2, one line', async (file, text, message) => {
    writeFileSync(join(project, file), text)
    expect(await mfbatch('submit', '--local', '--tasks', file, '--', 'true')).toEqual({
      code: 2,
      stderr: `mfbatch: ${message}\n`,
      stdout: '',
    })
  })

  test('--tasks with --array-size or --nodes, or without an S3 root (not --local), is refused: exit 2', async () => {
    expect(await refused('--local', '--tasks', 'params.csv', '--array-size', '3')).toEqual([
      2,
      'mfbatch: --tasks makes one array child per row of params.csv; drop --array-size (3)\n',
    ])
    expect(await refused('--local', '--tasks', 'params.csv', '--nodes', '2')).toEqual([
      2,
      'mfbatch: --tasks and --nodes cannot go together: a multi-node job cannot be an array job\n',
    ])
    expect(await refused('--queue', 'q', '--tasks', 'params.csv')).toEqual([
      2,
      'mfbatch: --tasks needs an S3 root for the table: set --package-root s3://BUCKET/PREFIX or ' +
        'METAFLOW_DATASTORE_SYSROOT_S3 (environment or Metaflow config)\n',
    ])
  })

  test('a 3-row sweep: each child gets its row; the failing row gives the exit code', async () => {
    const run = await mfbatch('submit', '--local', '--quiet', '--wait', '--tasks', 'params.csv', ...SWEEP)
    expect(run.code).toBe(7)
    const job = run.stdout.trim()
    expect(job).toMatch(/^[\da-f-]{36}$/)
    sweep = job
    const logs = await Promise.all([0, 1, 2].map((i) => mfbatch('logs', '--local', `${job}:${i}`)))
    expect(logs.map((log) => log.stdout)).toEqual([
      'lr=0.1 epochs=3 note=plain\n',
      'lr=0.01 epochs=fail note=a, b\n',
      'lr=0.001 epochs=5 note=say "hi"\n',
    ])
  })

  test('status JOB shows each child beside its row; --json has the rows', async () => {
    const run = await mfbatch('status', '--local', sweep)
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n').filter((line) => line.startsWith('Task\t'))).toEqual([
      'Task\t0\tSUCCEEDED\t0\tlr=0.1 epochs=3 note=plain',
      'Task\t1\tFAILED\t7\tlr=0.01 epochs=fail note="a, b"',
      'Task\t2\tSUCCEEDED\t0\tlr=0.001 epochs=5 note="say \\"hi\\""',
    ])
    const json = JSON.parse((await mfbatch('status', '--local', '--json', sweep)).stdout) as {
      jobs: Array<{tasks: {children: Array<{index: number; row: Record<string, string>; status: string}>}}>
    }
    expect(json.jobs[0].tasks.children.map(({index, row, status}) => ({index, row, status}))).toEqual([
      {index: 0, row: {epochs: '3', lr: '0.1', note: 'plain'}, status: 'SUCCEEDED'},
      {index: 1, row: {epochs: 'fail', lr: '0.01', note: 'a, b'}, status: 'FAILED'},
      {index: 2, row: {epochs: '5', lr: '0.001', note: 'say "hi"'}, status: 'SUCCEEDED'},
    ])
  })

  test('rerun --failed runs only the failed row; with a changed variable and memory it succeeds', async () => {
    const again = await mfbatch('rerun', '--local', sweep, '--failed', '--follow')
    expect([again.code, again.stdout]).toEqual([7, 'lr=0.01 epochs=fail note=a, b\n'])
    expect(again.stderr).toContain('mfbatch: rerunning 1 FAILED of 3 rows (children 1) as a plain job\n')
    const fixed = await mfbatch('rerun', '--local', sweep, '--failed', '--env', 'FIXED=1', '--memory', '2048', '--wait')
    expect(fixed.code).toBe(0)
    const json = JSON.parse((await mfbatch('status', '--local', '--json', fixed.stdout.trim())).stdout) as {
      jobs: Array<{array: unknown; resources: {memoryMiB: number}; tasks: {children: Array<{row: object}>}}>
    }
    expect(json.jobs[0].array).toBeNull()
    expect(json.jobs[0].resources.memoryMiB).toBe(2048)
    expect(json.jobs[0].tasks.children.map((child) => child.row)).toEqual([{epochs: 'fail', lr: '0.01', note: 'a, b'}])
  })

  test('rerun --failed of an array job without --tasks: only its FAILED children, with their own indices', async () => {
    // Children 1 and 3 of 4 fail until FIXED is set; each prints the index it sees.
    const script =
      'echo "index=$AWS_BATCH_JOB_ARRAY_INDEX"; [ $((AWS_BATCH_JOB_ARRAY_INDEX % 2)) = 0 ] || [ -n "$FIXED" ] || exit 5'
    const array = await mfbatch('submit', '--local', '--quiet', '--wait', '--array-size', '4', '--', 'sh', '-c', script)
    expect(array.code).toBe(5)
    const again = await mfbatch('rerun', '--local', array.stdout.trim(), '--failed', '--wait', '--quiet')
    expect(again.code).toBe(5)
    const rerun = again.stdout.trim()
    const logs = await Promise.all([0, 1].map((i) => mfbatch('logs', '--local', `${rerun}:${i}`)))
    expect(logs.map((log) => log.stdout)).toEqual(['index=1\n', 'index=3\n'])
    // A rerun of the rerun keeps the first job's indices; with FIXED it succeeds.
    const fixed = await mfbatch('rerun', '--local', rerun, '--failed', '--env', 'FIXED=1', '--wait', '--quiet')
    expect(fixed.code).toBe(0)
    const last = await Promise.all([0, 1].map((i) => mfbatch('logs', '--local', `${fixed.stdout.trim()}:${i}`)))
    expect(last.map((log) => log.stdout)).toEqual(['index=1\n', 'index=3\n'])
  })

  test('rerun --failed of a job that is not an array is refused: exit 2, one line', async () => {
    const plain = (await mfbatch('submit', '--local', '--quiet', '--wait', '--', 'false')).stdout.trim()
    expect(await mfbatch('rerun', '--local', plain, '--failed')).toEqual({
      code: 2,
      stderr: `mfbatch: --failed: job ${plain} is not an array job; rerun it without --failed\n`,
      stdout: '',
    })
  })

  test('one row: a plain job, with a note on stderr', async () => {
    writeFileSync(join(project, 'one.tsv'), 'lr\tepochs\tnote\n0.5\t1\tsolo\n')
    const run = await mfbatch('submit', '--local', '--follow', '--tasks', 'one.tsv', ...SWEEP)
    expect([run.code, run.stdout]).toEqual([0, 'lr=0.5 epochs=1 note=solo\n'])
    expect(run.stderr).toContain('mfbatch: one.tsv has one row: submitting a plain job, not an array\n')
  })
})

async function refused(...args: string[]): Promise<[number, string]> {
  const run = await mfbatch('submit', ...args, '--', 'true')
  return [run.code, run.stderr]
}
