/**
 * `submit --package` end to end: a git project made in a temp dir ships through the emulator's S3, the bootstrap
 * fetches it (each download way forced in turn), checks it and runs the command in it. Nothing is mocked.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string
let project: string

const ROOT = ['--package-root', 's3://mfbatch-local/e2e']
const run = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['submit', '--queue', 'local', ...args], {cwd: project, env: {...emulator.env, HOME: home, ...extra}})

const MAIN = `import os, sys
from helper import greet
print(greet(open("data/input.txt").read().strip()))
print("ignored present:", os.path.exists("secret.log"), ".env present:", os.path.exists(".env"))
print("spaces:", open("name with spaces.txt").read().strip(), "accents:", open("café.txt").read().strip())
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
`

beforeAll(async () => {
  emulator = await startEmulator()
  home = mkdtempSync(join(tmpdir(), 'mfbatch-pkg-home-'))
  project = mkdtempSync(join(tmpdir(), 'mfbatch-pkg-project-'))
  execFileSync('git', ['init', '-q'], {cwd: project})
  mkdirSync(join(project, 'data'))
  writeFileSync(join(project, 'main.py'), MAIN)
  writeFileSync(join(project, 'helper.py'), 'def greet(name):\n    return "hello " + name\n')
  writeFileSync(join(project, 'data', 'input.txt'), 'world\n')
  writeFileSync(join(project, 'name with spaces.txt'), 'yes\n')
  writeFileSync(join(project, 'café.txt'), 'oui\n')
  writeFileSync(join(project, 'run.sh'), '#!/bin/sh\necho "script ran with $# args: $1|$2"\n')
  chmodSync(join(project, 'run.sh'), 0o755)
  writeFileSync(join(project, 'secret.log'), 'no\n')
  writeFileSync(join(project, '.gitignore'), '*.log\n')
  writeFileSync(join(project, '.env'), 'TOKEN=x\n')
}, 30_000)

afterAll(async () => {
  await emulator?.stop()
  removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
  rmSync(project, {force: true, recursive: true})
})

/** The job's own output: its log without the bootstrap's step lines (they are on the same stream). */
const jobOutput = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('mfbatch-bootstrap: '))
    .join('\n')
const python = execFileSync('sh', ['-c', 'command -v python3']).toString().trim()

/** A valid tar.gz holding planted.txt, and its SHA-256. */
function plantedPackage(): {bytes: Buffer; sha256: string} {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-pkg-planted-'))
  writeFileSync(join(dir, 'planted.txt'), 'planted\n')
  const bytes = execFileSync('tar', ['-czf', '-', '-C', dir, 'planted.txt'])
  rmSync(dir, {force: true, recursive: true})
  return {bytes, sha256: createHash('sha256').update(bytes).digest('hex')}
}

describe('submit --package', () => {
  test('runs the project in the job: sibling import, data file, ignored files absent, odd names', async () => {
    const result = await run(['--package', ...ROOT, '--follow', '--', python, 'main.py'])
    expect(jobOutput(result.stdout)).toBe(
      'hello world\nignored present: False .env present: False\nspaces: yes accents: oui\n',
    )
    expect(result.code).toBe(0)
  }, 60_000)

  test("the job's exit code comes through, and the executable bit and argv survive", async () => {
    const failed = await run(['--package', ...ROOT, '--follow', '--', python, 'main.py', '7'])
    expect(failed.code).toBe(7)
    const script = await run(['--package', ...ROOT, '--follow', '--', './run.sh', 'a b', "it's"])
    expect(jobOutput(script.stdout)).toBe("script ran with 2 args: a b|it's\n")
    expect(script.code).toBe(0)
  }, 60_000)

  test('an unchanged tree uploads nothing; a changed file gives a new key', async () => {
    // More vCPUs than the emulator has: the jobs stay RUNNABLE, so no bootstrap's download adds to the counts.
    const parked = ['--cpu', '4096', '--package', ...ROOT, '--json', '--', 'true']
    const first = await run(parked)
    await emulator.resetStats()
    const again = await run(parked)
    expect(JSON.parse(again.stdout).package.sha256).toBe(JSON.parse(first.stdout).package.sha256)
    expect(JSON.parse(again.stdout).package.uploaded).toBe(false)
    const stats = await emulator.stats()
    expect(stats['s3:PutObject']).toBeUndefined()
    expect(stats['s3:HeadObject']).toBe(1)
    writeFileSync(join(project, 'data', 'input.txt'), 'changed\n')
    const changed = await run(parked)
    writeFileSync(join(project, 'data', 'input.txt'), 'world\n')
    expect(JSON.parse(changed.stdout).package.url).not.toBe(JSON.parse(first.stdout).package.url)
    expect((await emulator.stats())['s3:PutObject']).toBe(1)
  }, 60_000)

  test.each(['aws', 'boto3', 'curl', 'wget', 'urllib'])(
    'the bootstrap downloads with %s',
    async (via) => {
      const result = await run([
        '--package',
        ...ROOT,
        '--env',
        `MFBATCH_BOOTSTRAP_VIA=${via}`,
        // The bootstrap is quiet when it works; verbose, it names the way it downloaded with.
        '--env',
        'MFBATCH_BOOTSTRAP_VERBOSE=1',
        '--follow',
        '--',
        'cat',
        'helper.py',
      ])
      expect(jobOutput(result.stdout)).toBe('def greet(name):\n    return "hello " + name\n')
      expect(result.stdout).toMatch(new RegExp(`^mfbatch-bootstrap: downloaded with ${via} \\(\\d+ bytes\\)$`, 'm'))
      expect(result.code).toBe(0)
    },
    60_000,
  )

  test('a package changed in S3 after its upload: the bootstrap refuses it by its checksum, nothing runs', async () => {
    // A file of this test's own makes a package no other test shares.
    writeFileSync(join(project, 'corrupt-me.txt'), String(Date.now()))
    // More vCPUs than the emulator has: this job stays RUNNABLE, so nothing downloads the package before it changes.
    const made = await run(['--cpu', '4096', '--package', ...ROOT, '--json', '--', 'true'])
    expect(made.code).toBe(0)
    const {sha256, url} = JSON.parse(made.stdout).package as {sha256: string; url: string}
    // A well-formed package of other files, whose command would succeed: only the checksum can tell.
    const planted = plantedPackage()
    writeFileSync(join(emulator.stateDir, 's3', 'objects', sha256), planted.bytes)
    const result = await run(['--package', ...ROOT, '--follow', '--', 'cat', 'planted.txt'])
    rmSync(join(project, 'corrupt-me.txt'))
    expect(result.code).toBe(1)
    expect(jobOutput(result.stdout)).toBe('')
    expect(result.stdout.split('\n')).toContain(
      `mfbatch-bootstrap: checksum mismatch: ${url} has sha256 ${planted.sha256}, expected ${sha256}; ` +
        'the object is corrupt, submit again',
    )
  }, 60_000)

  test.each([
    ['too big', ['--package-max-size', '10'], /above the limit of 10 bytes.*biggest files: /],
    ['unknown root', [], /--package needs an S3 root.*--package-root.*METAFLOW_DATASTORE_SYSROOT_S3/],
  ])('%s: exit 2, no API call', async (_name, args, message) => {
    await emulator.resetStats()
    const result = await run(['--package', ...(args.length > 0 ? ROOT : []), ...args, '--', 'true'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(await emulator.stats()).toEqual({})
  })

  test('a symlink out of the tree: exit 2 naming it, no API call', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'mfbatch-pkg-out-'))
    symlinkSync(outside, join(project, 'escape'))
    await emulator.resetStats()
    const result = await run(['--package', ...ROOT, '--', 'true'])
    rmSync(join(project, 'escape'))
    rmSync(outside, {force: true, recursive: true})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/symlinks point outside .*: escape;/)
    expect(await emulator.stats()).toEqual({})
  })

  test("a job that fits only without the package's presigned URL goes without it, saying so; it runs", async () => {
    // Pad the command until the job, with the dry run's short placeholder for the URL, is 300 characters under
    // AWS's 8192: the real URL (about 540 characters with the emulator's keys, 1,600 with session credentials)
    // then takes it over, and the job can still go without it.
    const sized = async (pad: string) => {
      const dry = await run(['--dry-run', '--platform', 'ec2', '--package', ...ROOT, '--json', '--', 'echo', pad])
      return JSON.stringify(JSON.parse(dry.stdout).submitJob.containerOverrides).length
    }

    const pad = 'x'.repeat(8192 - 300 - (await sized('x')) + 1)
    expect(await sized(pad)).toBe(8192 - 300)
    const result = await run(['--package', ...ROOT, '--follow', '--', 'echo', pad])
    expect(result.stderr).toContain(
      "mfbatch: warning: the package's presigned URL would make the job too large for AWS (8192 characters of " +
        'container overrides), so the job goes without it: the image needs aws or python with boto3 to fetch the ' +
        'package\n',
    )
    expect([result.code, jobOutput(result.stdout)]).toEqual([0, `${pad}\n`])
    // A command too long even without the URL is refused, before the job is made, counting the URL.
    const over = await run(['--package', ...ROOT, '--follow', '--', 'echo', `${pad}${'y'.repeat(400)}`])
    expect([over.code, over.stdout]).toEqual([125, ''])
    expect(over.stderr).toMatch(/^mfbatch: the command and --env would be \d+ characters .* presigned URLs\); /m)
  }, 60_000)

  test('--dry-run --package makes no AWS call and shows the wrapped command', async () => {
    await emulator.resetStats()
    const result = await run([
      '--dry-run',
      '--platform',
      'ec2',
      '--package',
      ...ROOT,
      '--json',
      '--',
      'python3',
      'main.py',
    ])
    const doc = JSON.parse(result.stdout)
    expect(doc.submitJob.containerOverrides.command.slice(0, 2)).toEqual(['sh', '-c'])
    expect(doc.submitJob.containerOverrides.command.slice(3)).toEqual(['mfbatch-bootstrap', 'python3', 'main.py'])
    expect(doc.package.files).toBe(
      readdirSync(project).filter((f) => !['.env', '.git', 'secret.log'].includes(f)).length,
    )
    expect(await emulator.stats()).toEqual({})
  })
})
