/**
 * `--output` and `mfbatch outputs` end to end, as a user runs them: `submit --local` from a fresh HOME (the detached
 * emulator on a free port, its state in a temp dir), a project folder of its own. The job's files come back into
 * the working directory, a Makefile target is made by a job once, and a hostile archive planted in the emulator's S3
 * is refused on download; `--input` places a local folder, a local file and an S3 prefix before the command.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {cleanEnv, emulatorCredentials, emulatorEnv, RUN, runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'
import {pause, Running} from '../helpers/running'

/** Where an absolute member of a planted archive would land. */
const ESCAPE_DIR = join(tmpdir(), 'mfbatch-outputs-escape')
let home: string
let env: Record<string, string>

const mfbatch = (cwd: string, ...args: string[]) => runCli(args, {cwd, env, timeoutMs: 120_000})
const fileSha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** A fresh project folder (a git repository, as most are) under this file's HOME. */
function project(): string {
  const dir = mkdtempSync(join(home, 'project-'))
  execFileSync('git', ['init', '-q'], {cwd: dir})
  return dir
}

/** Every file under `dir` (not .git), relative, sorted, with its content. */
function tree(dir: string): Record<string, string> {
  const found: Record<string, string> = {}
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), {withFileTypes: true})) {
      const path = sub ? `${sub}/${entry.name}` : entry.name
      if (entry.name === '.git') continue
      if (entry.isDirectory()) walk(path)
      else found[path] = readFileSync(join(dir, path), 'utf8')
    }
  }

  walk('')
  return found
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-outputs-'))
  const port = await freePort()
  env = {
    HOME: home,
    MFBATCH_CACHE_DIR: join(home, 'cache'),
    MFBATCH_EMULATOR_PORT: String(port),
    MFBATCH_LOGS_GRACE: '0',
    XDG_DATA_HOME: home,
  }
})

afterAll(async () => {
  await stopDaemon(join(home, 'mfbatch', 'emulator'))
  rmSync(home, {force: true, recursive: true})
})

/** A python3 that sends boto3 to a port where nothing listens (and so fails its uploads), first on the job's PATH. */
const DEAD_S3_PYTHON = `#!/bin/sh
AWS_ENDPOINT_URL_S3=http://127.0.0.1:9 AWS_MAX_ATTEMPTS=1 exec /usr/bin/python3 "$@"
`

/** A folder of executable scripts (name to text), to put first on a job's PATH. */
function fakeTools(scripts: Record<string, string>): string {
  const bin = mkdtempSync(join(home, 'bin-'))
  for (const [name, text] of Object.entries(scripts)) writeFileSync(join(bin, name), text, {mode: 0o755})
  return bin
}

/** A job's whole PATH: every tool of the directory that holds sh, linked, but for `left`. */
function toolsWithout(...left: string[]): string {
  const tools = dirname(execFileSync('sh', ['-c', 'command -v sh']).toString().trim())
  const bin = mkdtempSync(join(home, `no-${left[0]}-`))
  for (const name of readdirSync(tools).filter((n) => !left.includes(n)))
    symlinkSync(join(tools, name), join(bin, name))
  return bin
}

/** A folder whose boto3 module fails to import: first on a job's PYTHONPATH, the job has no boto3. */
function noBoto3(): string {
  const dir = join(home, 'no-boto3')
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'boto3.py'), 'raise ImportError("boto3 hidden by the test")\n')
  return dir
}

const FAKE_AWS = `#!/bin/sh
case "$*" in *s3://*/attempt-*.tar*) echo "AccessDenied: refused" >&2; exit 1;; esac
exec ${execFileSync('sh', ['-c', 'command -v aws']).toString().trim()} "$@"
`

const WRITES = String.raw`mkdir -p out/sub && echo trained > model.txt && echo a > out/a.txt && printf "b\n" > out/sub/b.txt`

describe('submit --output', () => {
  test('--package --follow: a file and a directory made by the job are here afterwards, byte for byte', async () => {
    const dir = project()
    writeFileSync(join(dir, 'train.sh'), `${WRITES}\necho training done\n`)
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--package',
      '--output',
      'model.txt',
      '--output',
      'out/',
      '--follow',
      '--',
      'sh',
      'train.sh',
    )
    expect([run.code, run.stdout]).toEqual([0, 'training done\n'])
    expect(run.stderr).toMatch(/: outputs of job [\da-f-]{36} attempt 1: 3 files written here\n$/)
    expect(tree(dir)).toEqual({
      'model.txt': 'trained\n',
      'out/a.txt': 'a\n',
      'out/sub/b.txt': 'b\n',
      'train.sh': `${WRITES}\necho training done\n`,
    })
  }, 120_000)

  test('PATH=s3://BUCKET/PREFIX/ leaves that output in S3, the others come here', async () => {
    const dir = project()
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--output',
      'model.txt',
      '--output',
      'ckpt/=s3://mfbatch-local/kept/ckpt/',
      '--output',
      'log.txt=s3://mfbatch-local/kept/',
      '--wait',
      '--',
      'sh',
      '-c',
      'mkdir -p ckpt/s && echo 1 > ckpt/s/e1 && echo m > model.txt && echo l > log.txt',
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(': ckpt was left in S3 at s3://mfbatch-local/kept/ckpt/\n')
    expect(tree(dir)).toEqual({'model.txt': 'm\n'})
    expect(s3List('kept/').sort()).toEqual(['kept/ckpt/s/e1', 'kept/log.txt'])
  }, 120_000)

  test('an image without aws: inputs, outputs and S3 outputs go through python and boto3', async () => {
    const dir = project()
    // The job's PATH: every tool of the directory that holds sh (and a python3 with boto3), but not aws.
    const bin = toolsWithout('aws')
    writeFileSync(join(home, 'in.txt'), 'in\n')
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--env',
      `PATH=${bin}`,
      '--input',
      '../in.txt=in.txt',
      '--output',
      'out.txt',
      '--output',
      'ck/=s3://mfbatch-local/boto/ck/',
      '--follow',
      '--',
      'sh',
      '-c',
      'command -v aws || echo no aws; mkdir -p ck/s && echo c > ck/s/c && cp in.txt out.txt',
    )
    expect([run.code, run.stdout]).toEqual([0, 'no aws\n'])
    expect(tree(dir)).toEqual({'out.txt': 'in\n'})
    expect(s3List('boto/')).toEqual(['boto/ck/s/c'])
  }, 120_000)

  test('an image with openssl but neither sha256sum nor shasum: the archive is hashed by openssl and checks out', async () => {
    const dir = project()
    // The job's PATH: every tool of the directory that holds sh, but not sha256sum or shasum.
    const bin = toolsWithout('sha256sum', 'shasum')

    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--env',
      `PATH=${bin}`,
      '--output',
      'data.bin',
      '--follow',
      '--',
      'sh',
      '-c',
      'command -v sha256sum shasum || echo no sha256sum; head -c 3000000 /dev/urandom > data.bin; openssl dgst -sha256 -r data.bin',
    )
    // The job's own openssl line gives the file's hash: the file here is the one the job made.
    const [said, digest] = run.stdout.split('\n')
    expect([run.code, said, digest]).toEqual([0, 'no sha256sum', `${fileSha256(join(dir, 'data.bin'))} *data.bin`])
    // The manifest holds openssl's digest of the archive: `outputs` checks the archive against it on every download.
    const again = await mfbatch(dir, 'outputs', 'last', '--local', '--to', join(dir, 'again'))
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/: 1 file written into /)
    expect(fileSha256(join(dir, 'again', 'data.bin'))).toBe(fileSha256(join(dir, 'data.bin')))
  }, 120_000)

  test('an upload that fails fails the attempt, and its log says why', async () => {
    const dir = project()
    // An aws that refuses to upload the archive (and runs the real one for everything else), first on the job's PATH.
    const bin = fakeTools({aws: FAKE_AWS})
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--env',
      `PATH=${bin}:/usr/bin:/bin`,
      '--output',
      'r.txt',
      '--follow',
      '--',
      'sh',
      '-c',
      'echo x > r.txt; echo ran',
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /^ran\nmfbatch-bootstrap: could not upload the outputs to s3:\/\/mfbatch-local\/mfbatch\/outputs\/[\da-f-]{36}\/[\da-f-]{36}\/attempt-1\.tar\.gz: AccessDenied: refused ; check that the job role may write there/,
    )
    expect(tree(dir)).toEqual({})
  }, 120_000)

  // Over 64 MiB the archive is streamed from tar as it is packed: by one python process where the image has boto3
  // (as /usr/bin/python3 has on this machine and in CI), else through tee to a hasher and `aws s3 cp -`. The aws way
  // is taken by hiding boto3 (a boto3 module that fails to import, first on PYTHONPATH, which aws itself never loads).
  describe.each([
    ['boto3', () => []],
    ['aws', () => ['--env', `PYTHONPATH=${noBoto3()}`]],
  ])('over 64 MiB, streamed by %s', (uploader, hide) => {
    /** A job that writes 64 MiB + 1 of random bytes to big.bin, declared as its one output. */
    const bigJob = (dir: string, path: string) =>
      mfbatch(
        dir,
        'submit',
        '--local',
        '--quiet',
        '--env',
        `PATH=${path}`,
        ...hide(),
        '--output',
        'big.bin',
        '--follow',
        '--',
        'sh',
        '-c',
        'head -c 67108865 /dev/urandom > big.bin; echo ran',
      )

    test('the archive comes back whole; its manifest has the size of the object and its SHA-256', async () => {
      const dir = project()
      const run = await bigJob(dir, '/usr/bin:/bin')
      expect([run.code, run.stdout]).toEqual([0, 'ran\n'])
      const [job, , bytes, url] = (await mfbatch(dir, 'outputs', 'last', '--local', '--list')).stdout.trim().split('\t')
      const key = url.replace('s3://mfbatch-local/', '')
      const head = JSON.parse(awsCli(['s3api', 'head-object', '--bucket', 'mfbatch-local', '--key', key])) as {
        ContentLength: number
      }
      expect(url).toMatch(/\/attempt-1\.tar$/)
      expect(Number(bytes)).toBe(head.ContentLength)
      const manifest = JSON.parse(awsCli(['s3', 'cp', url.replace(/\.tar$/, '.json'), '-'])) as Record<string, unknown>
      expect(Object.keys(manifest)).toEqual(['bytes', 'encoding', 'exitCode', 'missing', 'sha256'])
      expect(manifest).toEqual({
        bytes: head.ContentLength,
        encoding: 'none',
        exitCode: 0,
        missing: [],
        sha256: manifest.sha256,
      })
      // The object's own SHA-256 is the manifest's.
      const copy = join(home, `${uploader}-copy.tar`)
      awsCli(['s3', 'cp', url, copy])
      expect(fileSha256(copy)).toBe(manifest.sha256)
      rmSync(copy)
      const again = await mfbatch(dir, 'outputs', job, '--local', '--to', 'got')
      expect([again.code, again.stdout]).toEqual([0, 'got/big.bin\n'])
      expect(fileSha256(join(dir, 'got', 'big.bin'))).toBe(fileSha256(join(dir, 'big.bin')))
    }, 120_000)

    test('a failed upload fails the attempt, saying so, and nothing is left in S3', async () => {
      const dir = project()
      // aws refuses the archive; boto3 is sent to a port where nothing listens.
      const bin = fakeTools({aws: FAKE_AWS, python3: DEAD_S3_PYTHON})
      const before = s3List('mfbatch/outputs/')
      const run = await bigJob(dir, `${bin}:/usr/bin:/bin`)
      expect(run.code).toBe(1)
      const why = uploader === 'aws' ? 'AccessDenied: refused ' : '.*Could not connect to the endpoint URL.*'
      expect(run.stdout).toMatch(
        new RegExp(
          `^ran\nmfbatch-bootstrap: could not upload the outputs to s3://mfbatch-local/mfbatch/outputs/[\\da-f-]{36}/[\\da-f-]{36}/attempt-1\\.tar: ${why}; check that the job role may write there`,
        ),
      )
      expect(s3List('mfbatch/outputs/')).toEqual(before)
      expect(tree(dir)).toEqual({})
    }, 120_000)

    test('a tar that fails after part of the stream has gone up fails the attempt; no archive is made', async () => {
      const dir = project()
      // A tar that writes 70 MB of its archive, then fails; the probes (-cf /dev/null) go to the real one.
      const realTar = execFileSync('sh', ['-c', 'command -v tar']).toString().trim()
      const bin = fakeTools({
        tar: `#!/bin/sh
case " $* " in *" -cf - "*) head -c 70000000 /dev/zero; echo "tar: big.bin: Read error at byte 70000000" >&2; exit 2;; esac
exec ${realTar} "$@"
`,
      })
      const before = s3List('mfbatch/outputs/')
      const run = await bigJob(dir, `${bin}:/usr/bin:/bin`)
      expect([run.code, run.stdout]).toEqual([
        1,
        'ran\nmfbatch-bootstrap: could not pack the outputs: tar: big.bin: Read error at byte 70000000 \n',
      ])
      // The stream's first 70 MB went up as parts of an upload that was never completed: no object, no manifest.
      expect(s3List('mfbatch/outputs/')).toEqual(before)
      expect(tree(dir)).toEqual({})
    }, 120_000)
  })

  test('a Makefile target made by a job: built once, then make says it is up to date', async () => {
    const dir = project()
    writeFileSync(join(dir, 'params.txt'), 'lr=0.1\n')
    writeFileSync(
      join(dir, 'Makefile'),
      `model.txt: params.txt\n\tnode ${RUN} submit --local --quiet --package --output model.txt --wait -- ` +
        `sh -c 'sed s/lr/model/ params.txt > model.txt'\n`,
    )
    const make = () => execFileSync('make', ['--no-print-directory'], {cwd: dir, env: {...cleanEnv(), ...env}})
    make()
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe('model=0.1\n')
    expect(make().toString()).toBe("make: 'model.txt' is up to date.\n")
  }, 120_000)
})

/** About 300 MiB, then the file: out of memory at 256 MiB before it is written, made by the rerun at 512 MiB. */
const NEEDS_300 = String.raw`x = b'x' * (300 << 20); open('result.txt', 'w').write('made with %d MiB\n' % (len(x) >> 20))`
/** The job an OOM chain's rerun line names. */
const rerunOf = (stderr: string): string => /as job ([\da-f-]{36})\n/.exec(stderr)?.[1] ?? 'no rerun said'

describe('submit --output --oom-retry', () => {
  test('the rerun that succeeds has its outputs unpacked here, as a plain --wait does; outputs of either job', async () => {
    const dir = project()
    const args = ['--memory', '256', '--oom-retry', '1', '--output', 'result.txt', '--wait']
    const run = await mfbatch(dir, 'submit', '--local', ...args, '--', 'python3', '-c', NEEDS_300)
    const first = run.stdout.trim()
    const second = rerunOf(run.stderr)
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(
      `: job ${first} ran out of memory at 256 MiB; rerunning it with 512 MiB (--oom-retry 1 of 1) as job ${second}\n`,
    )
    expect(run.stderr).toMatch(new RegExp(`: outputs of job ${second} attempt 1: 1 file written here\n$`))
    expect(tree(dir)).toEqual({'result.txt': 'made with 300 MiB\n'})

    const again = await mfbatch(dir, 'outputs', second, '--local', '--to', 'again')
    expect([again.code, again.stdout]).toEqual([0, 'again/result.txt\n'])
    // The first job ran out of memory before it wrote the file: it uploaded an archive that says so.
    const old = await mfbatch(dir, 'outputs', first, '--local', '--to', 'old')
    expect(old).toEqual({
      code: 0,
      stderr:
        `mfbatch: outputs of job ${first} attempt 1: 0 files written into old\n` +
        'mfbatch: warning: the job did not make result.txt\n',
      stdout: '',
    })
  }, 180_000)

  test('a last job that fails: the failed-job line naming it, nothing unpacked', async () => {
    const dir = project()
    const args = ['--memory', '256', '--oom-retry', '1', '--oom-factor', '1.1', '--output', 'result.txt', '--wait']
    const run = await mfbatch(dir, 'submit', '--local', ...args, '--', 'python3', '-c', NEEDS_300)
    const second = rerunOf(run.stderr)
    expect(run.code).toBe(137)
    expect(run.stderr).toMatch(
      new RegExp(
        ` again; --oom-retry 1 is used up\nmfbatch: the job failed, so its outputs were not unpacked here; ` +
          `mfbatch outputs ${second} --local --to DIR brings them\n$`,
      ),
    )
    expect(tree(dir)).toEqual({})
  }, 180_000)
})

/** Every name under `dir`, folders included, relative and sorted. */
const names = (dir: string): string[] =>
  existsSync(dir) ? (readdirSync(dir, {recursive: true}) as string[]).sort() : []

/** Starts mfbatch with `args` and sends `signal` once a temporary file matching `temp` shows in `watched`. */
async function interrupted(
  cwd: string,
  args: string[],
  {signal, temp, watched = 'got'}: {signal: NodeJS.Signals; temp: RegExp; watched?: string},
) {
  const run = new Running(args, {cwd, env})
  try {
    const until = Date.now() + 120_000
    while (!names(join(cwd, watched)).some((name) => temp.test(name))) {
      if (Date.now() > until) throw new Error(`no file like ${temp} showed: ${run.stderr}`)
      // eslint-disable-next-line no-await-in-loop -- polled until the download is under way
      await pause(2)
    }

    run.kill(signal)
    return {...(await run.done), stderr: run.stderr, stdout: run.stdout}
  } finally {
    await run.stop()
  }
}

describe('an interrupted download', () => {
  /** 128 MiB of random bytes (an archive as large), a small file beside it; the log line is big.bin's SHA-256. */
  const MAKES_BIG =
    'mkdir -p out && head -c 134217728 /dev/urandom > out/big.bin && echo m > model.txt && sha256sum out/big.bin'

  test('Ctrl-C or SIGTERM mid-download leaves no half file; again finishes; a third time changes nothing', async () => {
    const dir = project()
    const made = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--output',
      'out/',
      '--output',
      'model.txt',
      '--follow',
      '--',
      'sh',
      '-c',
      MAKES_BIG,
    )
    expect(made.code).toBe(0)
    const sha256 = made.stdout.split(' ')[0]
    const job = (await mfbatch(dir, 'outputs', 'last', '--local', '--list')).stdout.split('\t')[0]
    rmSync(join(dir, 'out'), {force: true, recursive: true})
    rmSync(join(dir, 'model.txt'))
    const fetch = ['outputs', job, '--local', '--to', 'got']
    const left = 'mfbatch: interrupted; no half file was left in got; the same command again finishes the download\n'

    // Ctrl-C as the archive starts to come, SIGTERM while big.bin is on its way: its staging folder goes, and
    // nothing shows in got (a file is put in place only once the whole archive is in and checked).
    const started = await interrupted(dir, fetch, {signal: 'SIGINT', temp: /^\.[\da-f]+\.mfbatch-staging$/})
    expect(names(join(dir, 'got'))).toEqual([])
    expect([started.code, started.stderr, started.stdout]).toEqual([130, left, ''])
    const midway = await interrupted(dir, fetch, {signal: 'SIGTERM', temp: /\.mfbatch-staging\/\d+$/})
    expect(names(join(dir, 'got'))).toEqual([])
    expect([midway.code, midway.stderr]).toEqual([143, left])

    const again = await mfbatch(dir, 'outputs', job, '--local', '--to', 'got')
    expect([again.code, again.stdout]).toEqual([0, 'got/model.txt\ngot/out/big.bin\n'])
    expect(names(join(dir, 'got'))).toEqual(['model.txt', 'out', 'out/big.bin'])
    expect(fileSha256(join(dir, 'got', 'out', 'big.bin'))).toBe(sha256)
    const before = statSync(join(dir, 'got', 'out', 'big.bin')).mtimeMs

    const third = await mfbatch(dir, 'outputs', job, '--local', '--to', 'got')
    expect(third).toEqual({
      code: 0,
      stderr: `mfbatch: outputs of job ${job} attempt 1: 0 files written into got, 2 already there unchanged\n`,
      stdout: 'got/model.txt\ngot/out/big.bin\n',
    })
    expect(statSync(join(dir, 'got', 'out', 'big.bin')).mtimeMs).toBe(before)
  }, 240_000)

  test('Ctrl-C while submit --wait brings the outputs back: no half file here, and how to fetch them', async () => {
    const dir = project()
    const submit = ['submit', '--local', '--quiet', '--output', 'out/', '--output', 'model.txt', '--wait', '--']
    const run = await interrupted(dir, [...submit, 'sh', '-c', MAKES_BIG], {
      signal: 'SIGINT',
      temp: /\.mfbatch-/,
      watched: '.',
    })
    expect(names(dir).filter((name) => /\.mfbatch-/.test(name))).toEqual([])
    expect(existsSync(join(dir, 'out', 'big.bin'))).toBe(false)
    const job = run.stdout.trim()
    expect([run.code, run.stderr]).toEqual([
      130,
      `mfbatch: interrupted while bringing the outputs back; no half file was left; mfbatch outputs ${job} --local brings them\n`,
    ])
    const again = await mfbatch(dir, 'outputs', job, '--local')
    expect([again.code, again.stdout]).toEqual([0, 'model.txt\nout/big.bin\n'])
  }, 240_000)
})

describe('bad --output and --input values: one line, exit 2 (125 when waiting), before any API call', () => {
  test.each([
    [['--output', '../up.txt'], 2, '--output: "../up.txt" is not allowed; use a file, directory or glob relative'],
    [['--output', '/abs', '--wait'], 125, '--output: "/abs" is not allowed; use a file, directory or glob relative'],
    [['--input', 'missing.txt=m'], 2, '--input: "missing.txt=m" is not allowed; missing.txt does not exist here'],
    [['--input', 's3://b/k'], 2, '--input: "s3://b/k" is not allowed; use SRC=PATH'],
    [['--output', 'model.txt'], 2, '--output needs an S3 root to pass files through: set --package-root'],
  ])('%j', async (args, code, message) => {
    // No --local: a call to AWS would fail on credentials, so a clean refusal shows none was made.
    const run = await mfbatch(project(), 'submit', '--queue', 'q', '--region', 'us-east-1', ...args, '--', 'true')
    expect(run.code).toBe(code)
    expect(run.stderr).toMatch(new RegExp(`^mfbatch: ${escapeRegExp(message)}[^\n]*\n$`))
    expect(run.stdout).toBe('')
  })
})

describe('mfbatch outputs', () => {
  test("a FAILED job's outputs stay in S3, and outputs brings them; a second time changes nothing", async () => {
    const dir = project()
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--output',
      'model.txt',
      '--wait',
      '--',
      'sh',
      '-c',
      'echo partial > model.txt; exit 4',
    )
    const job = run.stdout.trim()
    expect(run.code).toBe(4)
    expect(run.stderr).toContain(
      `: the job failed, so its outputs were not unpacked here; mfbatch outputs ${job} --local --to DIR brings them\n`,
    )
    expect(tree(dir)).toEqual({})

    const first = await mfbatch(dir, 'outputs', job, '--local', '--to', 'got')
    expect(first).toEqual({
      code: 0,
      stderr: `mfbatch: outputs of job ${job} attempt 1: 1 file written into got\n`,
      stdout: 'got/model.txt\n',
    })
    expect(tree(dir)).toEqual({'got/model.txt': 'partial\n'})
    const before = statSync(join(dir, 'got', 'model.txt')).mtimeMs

    const second = await mfbatch(dir, 'outputs', 'last', '--local', '--to', 'got')
    expect(second).toEqual({
      code: 0,
      stderr: `mfbatch: outputs of job ${job} attempt 1: 0 files written into got, 1 already there unchanged\n`,
      stdout: 'got/model.txt\n',
    })
    expect(statSync(join(dir, 'got', 'model.txt')).mtimeMs).toBe(before)
  }, 120_000)

  test('an archive over 64 MiB travels as a plain tar (attempt-1.tar), a small one gzipped; both come back whole', async () => {
    const dir = project()
    // One byte over the limit (bootstrap-section.ts, GZIP_LIMIT): random bytes, so gzip would not shrink them.
    const big = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--output',
      'big.bin',
      '--output',
      'model.txt',
      '--follow',
      '--',
      'sh',
      '-c',
      'head -c 67108865 /dev/urandom > big.bin && echo m > model.txt && sha256sum big.bin',
    )
    expect(big.code).toBe(0)
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe('m\n')
    const sha256 = fileSha256(join(dir, 'big.bin'))
    expect(big.stdout).toBe(`${sha256}  big.bin\n`)
    const [bigJob, , bigBytes, bigUrl] = (await mfbatch(dir, 'outputs', 'last', '--local', '--list')).stdout
      .trim()
      .split('\t')
    expect(bigUrl).toMatch(new RegExp(`^s3://mfbatch-local/mfbatch/outputs/[\\da-f-]{36}/${bigJob}/attempt-1\\.tar$`))
    expect(Number(bigBytes)).toBeGreaterThan(67_108_865)
    expect(JSON.parse(awsCli(['s3', 'cp', bigUrl.replace(/\.tar$/, '.json'), '-']))).toMatchObject({encoding: 'none'})
    const again = await mfbatch(dir, 'outputs', bigJob, '--local', '--to', 'got')
    expect([again.code, again.stdout]).toEqual([0, 'got/big.bin\ngot/model.txt\n'])
    expect(fileSha256(join(dir, 'got', 'big.bin'))).toBe(sha256)

    const small = await mfbatch(
      dir,
      'submit',
      '--local',
      '--output',
      'small.txt',
      '--wait',
      '--',
      'sh',
      '-c',
      'echo s > small.txt',
    )
    expect(small.code).toBe(0)
    const smallListed = (await mfbatch(dir, 'outputs', 'last', '--local', '--list')).stdout.trim().split('\t')
    const smallUrl = smallListed[3]
    expect(smallListed[0]).toBe(small.stdout.trim())
    expect(smallUrl).toMatch(/\/attempt-1\.tar\.gz$/)
    expect(JSON.parse(awsCli(['s3', 'cp', smallUrl.replace(/\.tar\.gz$/, '.json'), '-']))).toMatchObject({
      encoding: 'gzip',
    })
    expect(readFileSync(join(dir, 'small.txt'), 'utf8')).toBe('s\n')
  }, 240_000)

  test('an array job: each child uploads its own, --all brings child N into DIR/N/, JOB:N one child', async () => {
    const dir = project()
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--array-size',
      '2',
      '--output',
      'r.txt',
      '--wait',
      '--',
      'sh',
      '-c',
      'echo "child $AWS_BATCH_JOB_ARRAY_INDEX" > r.txt',
    )
    const job = run.stdout.trim()
    expect([run.code, run.stdout]).toEqual([0, `${job}\n`])
    const all = await mfbatch(dir, 'outputs', job, '--local', '--all', '--to', 'sweep')
    expect([all.code, all.stdout]).toEqual([0, 'sweep/0/r.txt\nsweep/1/r.txt\n'])
    const one = await mfbatch(dir, 'outputs', `${job}:1`, '--local', '--to', 'one')
    expect([one.code, one.stdout]).toEqual([0, 'one/r.txt\n'])
    expect(tree(dir)).toEqual({'one/r.txt': 'child 1\n', 'sweep/0/r.txt': 'child 0\n', 'sweep/1/r.txt': 'child 1\n'})
  }, 120_000)

  test.each([
    ['a path with ..', ['../escape.txt'], '"../escape.txt" leads out of the directory'],
    ['an absolute path', [`${ESCAPE_DIR}/abs.txt`], `"${ESCAPE_DIR}/abs.txt" is an absolute path`],
    ['a link leading out', ['link->..', 'link/escape.txt'], 'the link "link" -> ".." leads out of the directory'],
    ['a link to an absolute path', ['abs->/etc'], 'the link "abs" -> "/etc" leads out of the directory'],
  ])(
    'an archive holding %s is refused whole: nothing written, inside or out',
    async (_what, members, problem) => {
      const dir = project()
      const run = await mfbatch(
        dir,
        'submit',
        '--local',
        '--quiet',
        '--output',
        'ok.txt',
        '--wait',
        '--',
        'sh',
        '-c',
        'echo ok > ok.txt',
      )
      const job = run.stdout.trim()
      expect(run.code).toBe(0)
      rmSync(join(dir, 'ok.txt'))
      const listed = await mfbatch(dir, 'outputs', job, '--local', '--list', '--json')
      const [{url}] = (JSON.parse(listed.stdout) as {attempts: Array<{url: string}>}).attempts
      plantArchive(url, ['ok.txt', ...members])

      const got = await mfbatch(dir, 'outputs', job, '--local', '--to', 'got')
      expect(got).toEqual({
        code: 1,
        stderr: `mfbatch: refused the outputs archive, nothing was written: ${problem}\n`,
        stdout: '',
      })
      expect(tree(dir)).toEqual({})
      expect(existsSync(join(home, 'escape.txt')) || existsSync(`${ESCAPE_DIR}/abs.txt`)).toBe(false)
    },
    120_000,
  )
})

describe('submit --input', () => {
  /** The inputs in S3 after the first test. */
  let stored: string[] = []
  // The emulator's bucket must exist before anything is put in it: any --local command starts the emulator.
  beforeAll(async () => {
    expect((await mfbatch(home, 'queues', '--local')).code).toBe(0)
  }, 60_000)

  test('a local folder and file outside the package: placed before the command, byte for byte, uploaded once', async () => {
    const dir = project()
    writeFileSync(join(dir, 'run.sh'), 'find in params.json -type f | sort | xargs cat\n')
    const data = mkdtempSync(join(home, 'data-'))
    mkdirSync(join(data, 'sub'))
    writeFileSync(join(data, 'a.csv'), 'x,y\n1,2\n')
    writeFileSync(join(data, 'sub', 'b.txt'), 'b\n')
    writeFileSync(join(home, 'params.json'), '{"lr": 0.1}\n')
    const args = [
      'submit',
      '--local',
      '--quiet',
      '--package',
      '--input',
      `${data}=in/data`,
      '--input',
      '../params.json=params.json',
      '--follow',
      '--',
      'sh',
      '-c',
      'find in params.json -type f | sort | xargs cat',
    ]
    const expected = {code: 0, stderr: '', stdout: 'x,y\n1,2\nb\n{"lr": 0.1}\n'}
    const before = s3List('mfbatch/inputs/')
    expect(await mfbatch(dir, ...args)).toEqual(expected)
    stored = s3List('mfbatch/inputs/')
    expect(stored.filter((key) => !before.includes(key))).toHaveLength(2)
    expect(await mfbatch(dir, ...args)).toEqual(expected)
    expect(s3List('mfbatch/inputs/')).toEqual(stored)
  }, 120_000)

  test('a local input changed in S3 after its upload fails the job on arrival, saying so', async () => {
    const dir = project()
    writeFileSync(join(home, 'weights.bin'), 'good\n')
    const args = ['submit', '--local', '--quiet', '--input', '../weights.bin=w.bin', '--follow', '--', 'cat', 'w.bin']
    expect(await mfbatch(dir, ...args)).toEqual({code: 0, stderr: '', stdout: 'good\n'})
    const key = s3List('mfbatch/inputs/').find((k) => !k.endsWith('.tar.gz') && !stored.includes(k))
    writeFileSync(join(home, 'bad.bin'), 'bad\n')
    awsCli(['s3', 'cp', '--only-show-errors', join(home, 'bad.bin'), `s3://mfbatch-local/${key}`])
    const run = await mfbatch(dir, ...args)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `could not place the input s3://mfbatch-local/${key} at w.bin: s3://mfbatch-local/${key} has not sha256`,
    )
  }, 120_000)

  test('an S3 prefix becomes a folder, an S3 object a file', async () => {
    const dir = project()
    const src = mkdtempSync(join(home, 's3-'))
    writeFileSync(join(src, 'one.txt'), 'one\n')
    writeFileSync(join(src, 'two.txt'), 'two\n')
    awsCli(['s3', 'cp', '--recursive', src, 's3://mfbatch-local/shared/set/'])
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--quiet',
      '--input',
      's3://mfbatch-local/shared/set/=set',
      '--input',
      's3://mfbatch-local/shared/set/two.txt=copy.txt',
      '--follow',
      '--',
      'sh',
      '-c',
      'find set copy.txt -type f | sort; cat set/one.txt copy.txt',
    )
    expect(run).toEqual({code: 0, stderr: '', stdout: 'copy.txt\nset/one.txt\nset/two.txt\none\ntwo\n'})
  }, 120_000)
})

/** The AWS CLI against the emulator, with the emulator's own credentials (from its state dir). */
function awsCli(args: string[]): string {
  const credentials = emulatorCredentials(join(home, 'mfbatch', 'emulator'))
  const url = `http://127.0.0.1:${env.MFBATCH_EMULATOR_PORT}`
  return execFileSync('aws', ['--endpoint-url', url, ...args], {
    env: {...cleanEnv(), ...emulatorEnv(url, credentials)},
  }).toString()
}

/** The keys under a prefix of the emulator's bucket (none before the first submit has started the emulator). */
function s3List(prefix: string): string[] {
  if (!existsSync(join(home, 'mfbatch', 'emulator', 'credentials'))) return []
  const out = awsCli(['s3api', 'list-objects-v2', '--bucket', 'mfbatch-local', '--prefix', prefix])
  return ((out.trim() ? JSON.parse(out) : {}) as {Contents?: Array<{Key: string}>}).Contents?.map((c) => c.Key) ?? []
}

/**
 * Replaces an attempt's archive and manifest in the emulator's S3 (its own credentials, from its state dir) with a
 * hostile one made by python's tarfile: `name->target` is a symlink, anything else a file holding its name.
 */
function plantArchive(url: string, members: string[]): void {
  const archive = join(home, 'planted.tar.gz')
  execFileSync('python3', ['-c', PLANT_PY, archive, ...members])
  const bytes = readFileSync(archive)
  const manifest = join(home, 'planted.json')
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  writeFileSync(manifest, JSON.stringify({bytes: bytes.length, exitCode: 0, missing: [], sha256}))
  awsCli(['s3', 'cp', '--only-show-errors', archive, url])
  awsCli(['s3', 'cp', '--only-show-errors', manifest, url.replace(/\.tar\.gz$/, '.json')])
}

const PLANT_PY = `import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
  for m in sys.argv[2:]:
    name, _, link = m.partition("->")
    i = tarfile.TarInfo(name)
    if link:
      i.type, i.linkname = tarfile.SYMTYPE, link
      t.addfile(i)
    else:
      data = (name + "\\n").encode()
      i.size = len(data)
      t.addfile(i, io.BytesIO(data))
`

function escapeRegExp(text: string): string {
  return text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
}
