/**
 * `--tasks` with `--package` and `--output`, as a newcomer runs it (`--local`, a fresh HOME, no AWS_* variables):
 * the table's row is taken by the job's bootstrap (no second wrapper in the command), `${NAME}` in an `--output`
 * path names each child's file by its row, literally whatever the value holds, and `outputs JOB --all` brings each
 * child's file into DIR/<index>/. Bad `${...}` refused before any API call. And the container overrides of the
 * largest realistic submit stay well under AWS's 8192 characters.
 */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let home: string
let project: string
let env: Record<string, string>

const mfbatch = (...args: string[]) => runCli(args, {cwd: project, env, timeoutMs: 120_000})

/* eslint-disable no-template-curly-in-string -- `${name}` is the user's syntax in --output paths */
/** Hostile values: a space, a glob, a command substitution. Column names the bootstrap uses itself: dir, out. */
const ROWS = 'name,dir,out\na b,1,x\n*,2,y\n$(touch pwned),3,z\n'
/** Writes out-$name.txt and says what it saw; fails on row 2 unless FIXED is set. */
const WRITE = [
  '--',
  'sh',
  '-c',
  'echo "dir=$dir out=$out" > "out-$name.txt"; cat "out-$name.txt"; [ "$dir" != 2 ] || [ -n "$FIXED" ] || exit 4',
]

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-sweep-outputs-'))
  project = join(home, 'project')
  mkdirSync(project)
  env = {HOME: home, MFBATCH_EMULATOR_PORT: String(await freePort())}
  writeFileSync(join(project, 'rows.csv'), ROWS)
  writeFileSync(join(project, 'train.py'), 'print("hi")\n')
})

afterAll(async () => {
  await stopDaemon(join(home, '.local', 'share', 'mfbatch', 'emulator'))
  rmSync(home, {force: true, recursive: true})
})

describe('--package --tasks --output with ${NAME}', () => {
  let sweep = ''

  test('each child writes its own file, named by its row; outputs --all brings child N into DIR/N', async () => {
    const run = await mfbatch(
      'submit',
      '--local',
      '--quiet',
      '--package',
      '--tasks',
      'rows.csv',
      '--output',
      'out-${name}.txt',
      // Made only if a value were run as a command.
      '--output',
      'pwned',
      '--wait',
      ...WRITE,
    )
    sweep = run.stdout.trim()
    expect([run.code, run.stdout]).toEqual([4, `${sweep}\n`])
    const logs = await Promise.all([0, 1, 2].map((i) => mfbatch('logs', '--local', `${sweep}:${i}`)))
    // The row reaches the command whole, though dir and out are the bootstrap's own variables too.
    expect(logs.map((log) => log.stdout)).toEqual(['dir=1 out=x\n', 'dir=2 out=y\n', 'dir=3 out=z\n'])

    const all = await mfbatch('outputs', sweep, '--local', '--all', '--to', 'got')
    expect([all.code, all.stdout]).toEqual([0, 'got/0/out-a b.txt\ngot/1/out-*.txt\ngot/2/out-$(touch pwned).txt\n'])
    expect(tree(join(project, 'got'))).toEqual({
      '0/out-a b.txt': 'dir=1 out=x\n',
      '1/out-*.txt': 'dir=2 out=y\n',
      '2/out-$(touch pwned).txt': 'dir=3 out=z\n',
    })
    // Nothing ran a value: no file named pwned in the job (it would have come back) or here.
    expect(readdirSync(project).sort()).toEqual(['got', 'rows.csv', 'train.py'])
  })

  test('the command holds one bootstrap and no presigned URL; the table is fetched by the stored steps', async () => {
    const run = await mfbatch(
      'submit',
      '--local',
      '--dry-run',
      '--json',
      '--package',
      '--tasks',
      'rows.csv',
      '--output',
      'out-${name}.txt',
      ...WRITE,
    )
    const {containerOverrides} = (JSON.parse(run.stdout) as {submitJob: {containerOverrides: Overrides}}).submitJob
    expect(containerOverrides.command.filter((word) => word.startsWith('mfbatch-'))).toEqual(['mfbatch-bootstrap'])
    expect(containerOverrides.environment ?? []).toEqual([])
  })

  test('rerun --failed runs the failed row in the same bootstrap; its output is named by that row', async () => {
    const fixed = await mfbatch('rerun', '--local', sweep, '--failed', '--env', 'FIXED=1', '--wait', '--quiet')
    expect(fixed.code).toBe(0)
    const rerun = fixed.stdout.trim()
    const got = await mfbatch('outputs', rerun, '--local', '--to', 'again')
    expect([got.code, got.stdout]).toEqual([0, 'again/out-*.txt\n'])
    expect(readFileSync(join(project, 'again', 'out-*.txt'), 'utf8')).toBe('dir=2 out=y\n')
  })

  test('--package --tasks without --output: the row comes through the stored steps too', async () => {
    const run = await mfbatch(
      'submit',
      '--local',
      '--package',
      '--tasks',
      'rows.csv',
      '--follow',
      '--',
      'sh',
      '-c',
      'echo "$dir $out"',
    )
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n').sort()).toEqual(['', '[0] 1 x', '[1] 2 y', '[2] 3 z'])
  })
  test('without --package: the stored steps take the row and name the outputs the same way', async () => {
    const run = await mfbatch(
      'submit',
      '--local',
      '--quiet',
      '--tasks',
      'rows.csv',
      '--output',
      'out-${name}.txt',
      '--wait',
      ...WRITE,
    )
    const job = run.stdout.trim()
    expect([run.code, run.stdout]).toEqual([4, `${job}\n`])
    const all = await mfbatch('outputs', job, '--local', '--all', '--to', 'plain')
    expect([all.code, all.stdout]).toEqual([
      0,
      'plain/0/out-a b.txt\nplain/1/out-*.txt\nplain/2/out-$(touch pwned).txt\n',
    ])
  })
})

describe('bad ${...} in --output: one line, exit 2 (125 when waiting), before any API call', () => {
  beforeAll(() => {
    writeFileSync(join(project, 'up.csv'), 'name\nok\n../x\n')
    writeFileSync(join(project, 'quote.tsv'), 'name\nok\nsay "hi"\n')
  })

  test.each([
    [
      ['--tasks', 'rows.csv', '--output', 'm-${lr}.txt'],
      2,
      '"m-${lr}.txt" is not allowed; lr is not a column of rows.csv; use ${name}, ${dir}, ${out}',
    ],
    [
      ['--output', 'm-${name}.txt'],
      2,
      '"m-${name}.txt" is not allowed; ${NAME} takes its value from the row of --tasks FILE; add --tasks, or drop it',
    ],
    [
      ['--tasks', 'rows.csv', '--output', 'm-$name.txt', '--wait'],
      125,
      '"m-$name.txt" is not allowed; a $ only as ${NAME}, NAME a column of rows.csv: ${name}, ${dir}, ${out}',
    ],
    [
      ['--tasks', 'up.csv', '--output', '${name}.txt'],
      2,
      '"${name}.txt" is not allowed; row 2 of up.csv makes it "../x.txt": that leads out of the working directory; change the row or the path',
    ],
    [
      ['--tasks', 'quote.tsv', '--output', 'm-${name}.txt'],
      2,
      '"m-${name}.txt" is not allowed; row 2 of quote.tsv makes it "m-say \\"hi\\".txt": the value of name has a line break, double quote, backslash or control character, which a file name here cannot; change the row or the path',
    ],
    [
      ['--tasks', 'rows.csv', '--output', 'd=s3://b/${name}/'],
      2,
      '"d=s3://b/${name}/" is not allowed; no $ in PATH=s3://...: ${NAME} is for the outputs that come back',
    ],
  ])('%j', async (args, code, message) => {
    // No --local: a call to AWS would fail on credentials, so a clean refusal shows none was made.
    const root = ['--package-root', 's3://my-bucket/p', '--queue', 'q', '--region', 'us-east-1']
    expect(await mfbatch('submit', ...root, ...args, '--', 'true')).toEqual({
      code,
      stderr: `mfbatch: --output: ${message}\n`,
      stdout: '',
    })
  })
})
describe("AWS's 8192 characters of container overrides", () => {
  // The longest names a user is likely to have: a 63-character bucket (S3's longest), a deep prefix, long paths.
  const bucket = `mfbatch-${'results-for-the-ml-platform-team-'.repeat(2)}`.slice(0, 63)
  const root = `s3://${bucket}/metaflow/datastore/production/experiments/team-vision`
  const largest = () => [
    '--package',
    '--tasks',
    'rows.csv',
    '--output',
    'checkpoints/${name}/model-final-weights-after-all-epochs.safetensors',
    '--output',
    'reports/evaluation-metrics-and-confusion-matrices/',
    '--input',
    `${dataDir()}=data/train-images-and-labels`,
    '--input',
    `s3://${bucket}/datasets/image-classification/validation-set-v3/=data/validation-images-and-labels/`,
  ]
  /** A real presigned URL signed with temporary (session) credentials is about 1,600 characters. */
  const MARGIN = 3000

  beforeAll(() => {
    mkdirSync(dataDir(), {recursive: true})
    writeFileSync(join(dataDir(), 'labels.csv'), 'a,b\n')
  })

  const submit = (...args: string[]) =>
    mfbatch('submit', '--queue', 'q', '--platform', 'ec2', '--region', 'us-east-1', '--package-root', root, ...args)

  test(`--package --tasks --output --output --input --input: under 8192 by more than ${MARGIN}, no URL`, async () => {
    const run = await submit(
      '--dry-run',
      '--json',
      ...largest(),
      '--',
      'python',
      'train.py',
      '--config',
      'configs/experiment-with-a-long-name.yaml',
    )
    expect([run.code, run.stderr]).toEqual([0, ''])
    const {containerOverrides} = (JSON.parse(run.stdout) as {submitJob: {containerOverrides: Overrides}}).submitJob
    // No presigned URL: stored steps fetch with aws or boto3, so the size is exactly what the dry run shows.
    expect(containerOverrides.environment ?? []).toEqual([])
    expect(JSON.stringify(containerOverrides).length).toBeLessThan(8192 - MARGIN)
  })

  test('a command and --env that still push it over: refused in one line, before any API call, exit 2', async () => {
    const big = `BIG=${'x'.repeat(5000)}`
    // No --local and no credentials: any API call would fail on them, so this line shows none was made.
    const run = await submit(...largest(), '--env', big, '--', 'python', 'train.py')
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^mfbatch: the command and --env would be \d{4} characters of the job's container overrides, above AWS's limit of 8192 \(AWS fails the job when it starts\): the command \d+ \(with mfbatch's wrappers\), the environment 50\d\d; shorten the command or the --env values, or pass what is long in a file \(--package, --input\)\n$/,
    )
  })
})
/* eslint-enable no-template-curly-in-string */

/** A local input outside the package, with a long path. */
function dataDir(): string {
  return join(home, 'shared-datasets-for-the-image-classification-experiments', 'imagenet-subset-2024')
}

interface Overrides {
  command: string[]
  environment?: Array<{name: string; value: string}>
}

function tree(dir: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name)
      found[path.slice(dir.length + 1)] = readFileSync(path, 'utf8')
    }
  }

  return found
}
