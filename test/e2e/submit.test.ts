/**
 * `mfbatch submit` for real, as users run it: the built CLI in a child process against an emulator on a free port
 * (2 vCPUs, so a job asking for 64 stays RUNNABLE), with a temporary HOME and working directory so no machine
 * settings leak in. Calls are counted by the emulator; nothing of the AWS SDK is mocked.
 */
import {type ChildProcessWithoutNullStreams, execFile, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/
const env = (extra: Record<string, string> = {}) => ({...emulator.env, HOME: home, ...extra})
const mfbatch = (args: string[], extra: Record<string, string> = {}, timeoutMs?: number) =>
  runCli(args, {cwd: home, env: env(extra), timeoutMs})
const submit = (args: string[], extra?: Record<string, string>) =>
  mfbatch(['submit', '--queue', 'local', ...args], extra)
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
/** Status lines name the job and its id; tests compare them without both. */
const statuses = (stderr: string, id: string) =>
  lines(stderr)
    .filter((line) => line.includes(` ${id} `))
    .map((line) => line.replace(/^mfbatch: job \S+ \S+ /, ''))

/** A CLI run whose outputs can be watched while it runs (for Ctrl-C and kill-while-waiting). */
class Running {
  readonly done: Promise<{code: number; signal: null | string}>
  stderr = ''
  stdout = ''
  private readonly child: ChildProcessWithoutNullStreams

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [RUN, ...args], {cwd: home, env: {...cleanEnv(), ...env()}})
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
    })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
    })
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({code: code ?? -1, signal}))
    })
  }

  interrupt(): void {
    this.child.kill('SIGINT')
  }

  /** Resolves once stderr matches, or fails after `ms`. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpExecArray> {
    const until = Date.now() + ms
    for (;;) {
      const match = pattern.exec(this.stderr)
      if (match) return match
      if (Date.now() > until) throw new Error(`stderr never matched ${pattern}: ${this.stderr}`)
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => {
        setTimeout(resolve, 50)
      })
    }
  }
}

async function statusOf(id: string): Promise<{exitCode: null | number; status: string; statusReason: null | string}> {
  const result = await mfbatch(['status', '--json', id])
  return JSON.parse(result.stdout).jobs[0]
}

// One emulator and one HOME for the whole file.

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '2']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-submit-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('submit', () => {
  test('--follow prints stdout and stderr lines of the job and exits with its code', async () => {
    const result = await submit(['--follow', '--', 'sh', '-c', 'echo one; echo two >&2; exit 3'])
    expect(result.stdout).toBe('one\ntwo\n')
    expect(result.code).toBe(3)
    const id = /status (\S+)/.exec(result.stderr)![1]
    expect(lines(result.stderr).slice(0, 4)).toEqual([
      'mfbatch: submitted job mfbatch-echo to queue local (EC2; job definition registered)',
      `mfbatch:   status: mfbatch status ${id}`,
      `mfbatch:   logs:   mfbatch logs --follow ${id}`,
      `mfbatch:   kill:   mfbatch kill ${id}`,
    ])
    expect(statuses(result.stderr, id).at(-1)).toBe('FAILED (exit 3): Essential container in task exited')
  })

  test('--follow: the final status line comes after the last log lines of the job, stdout and stderr in one stream', async () => {
    // One pipe for both, as a terminal shows them: a quick job is seen finished before its log is read.
    const {stdout} = await promisify(execFile)(
      'sh',
      [
        '-c',
        'exec "$0" "$@" 2>&1',
        process.execPath,
        RUN,
        'submit',
        '--queue',
        'local',
        '--follow',
        '--',
        'sh',
        '-c',
        'echo one; echo two',
      ],
      {cwd: home, env: {...cleanEnv(), ...env()}},
    )
    const shown = lines(stdout)
    expect(shown.slice(-3, -1)).toEqual(['one', 'two'])
    expect(shown.at(-1)).toMatch(/^mfbatch: job \S+ \S+ SUCCEEDED: Essential container in task exited$/)
  })

  test('a job that succeeds: the id alone on stdout, status changes on stderr, exit 0', async () => {
    const result = await submit(['--wait', '--', 'true'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^[\da-f-]{36}\n$/)
    const id = result.stdout.trim()
    expect(statuses(result.stderr, id).at(-1)).toBe('SUCCEEDED: Essential container in task exited')
  })

  test('--quiet prints the id alone and nothing on stderr; --json the documented object', async () => {
    const quiet = await submit(['--quiet', '--', 'true'])
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(lines(quiet.stdout)).toHaveLength(1)
    expect(quiet.stdout.trim()).toMatch(ID)

    const json = await submit(['--json', '--name', 'as-json', '--', 'true'])
    expect(json.code).toBe(0)
    const doc = JSON.parse(json.stdout)
    expect(Object.keys(doc).sort()).toEqual(['jobArn', 'jobDefinition', 'jobId', 'jobName', 'jobQueue', 'platform'])
    expect(doc).toMatchObject({jobName: 'as-json', jobQueue: 'local', platform: 'EC2'})
    expect(doc.jobArn).toBe(`arn:aws:batch:us-east-1:000000000000:job/${doc.jobId}`)
    expect(doc.jobDefinition).toMatch(/^arn:aws:batch:us-east-1:000000000000:job-definition\/mfbatch_[\da-f]{64}:\d+$/)
  })

  test('the second identical submit registers nothing: the definition is found and reused', async () => {
    const args = ['--quiet', '--image', 'reuse-test', '--', 'echo', 'hi']
    // Without the submit cache, which would skip the lookup (test/e2e/submit-cache.test.ts).
    const uncached = {MFBATCH_NO_CACHE: '1'}
    await submit(args, uncached)
    await emulator.resetStats()
    const again = await submit(args, uncached)
    expect(again.code).toBe(0)
    const stats = await emulator.stats()
    expect(stats['batch:RegisterJobDefinition'] ?? 0).toBe(0)
    expect(stats['batch:DescribeJobDefinitions']).toBe(1)
    expect(stats['batch:SubmitJob']).toBe(1)
  })

  test('no queue set: the note is said once per endpoint (kept in the cache), every time without a cache', async () => {
    const fresh = {HOME: mkdtempSync(join(tmpdir(), 'mfbatch-note-'))}
    const note = 'mfbatch: no queue set; using local, the first ENABLED and VALID queue'
    const said = async (extra: Record<string, string>) => {
      const run = await mfbatch(['submit', '--', 'true'], extra)
      expect(run.code).toBe(0)
      return lines(run.stderr).includes(note)
    }

    expect([await said(fresh), await said(fresh), await said({...fresh, MFBATCH_NO_CACHE: '1'})]).toEqual([
      true,
      false,
      true,
    ])
    rmSync(fresh.HOME, {force: true, recursive: true})
  })

  test('no queue set: the first ENABLED and VALID queue, and stderr says so; --platform auto finds Fargate', async () => {
    const defaulted = await mfbatch(['submit', '--', 'true'])
    expect(defaulted.code).toBe(0)
    expect(lines(defaulted.stderr)[0]).toBe('mfbatch: no queue set; using local, the first ENABLED and VALID queue')
    const fargate = await mfbatch([
      'submit',
      '--json',
      '--queue',
      'local-fargate',
      '--execution-role',
      'arn:aws:iam::000000000000:role/exec',
      '--',
      'true',
    ])
    expect(JSON.parse(fargate.stdout).platform).toBe('FARGATE')
    const ec2Only = await mfbatch(['submit', '--queue', 'local-fargate', '--shared-memory', '64', '--', 'true'])
    expect(ec2Only.code).toBe(2)
    expect(ec2Only.stderr).toBe(
      'mfbatch: --shared-memory: "64" is not allowed; it works only on EC2 queues, not on Fargate\n',
    )
  })

  test('a queue that does not exist: one sentence listing the queues and where to set it, exit 1', async () => {
    const result = await mfbatch(['submit', '--queue', 'nope', '--', 'true'])
    expect(result).toEqual({
      code: 1,
      stderr:
        'mfbatch: job queue "nope" not found; queues that exist: local, local-fargate. Set it with --queue, the ' +
        'environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`.\n',
      stdout: '',
    })
  })

  test('bad input costs no API call: exit 2, or 125 when waiting', async () => {
    await emulator.resetStats()
    const plain = await submit(['--cpu', 'lots', '--', 'true'])
    const waiting = await submit(['--wait', '--cpu', 'lots', '--', 'true'])
    expect([plain.code, waiting.code]).toEqual([2, 125])
    expect(plain.stderr).toBe(waiting.stderr)
    for (const empty of [
      ['--name', ''],
      ['--image', ''],
    ]) {
      // eslint-disable-next-line no-await-in-loop
      const [bare, waited] = [await submit([...empty, '--', 'true']), await submit(['--wait', ...empty, '--', 'true'])]
      expect([bare.code, waited.code]).toEqual([2, 125])
      expect(bare.stderr).toMatch(
        new RegExp(`^mfbatch: ${empty[0]}: "" is not allowed; it must not be empty; use .+\n$`),
      )
      expect(waited.stderr).toBe(bare.stderr)
    }

    expect(await emulator.stats()).toEqual({})
  })

  test('a job cancelled before it runs exits 126', async () => {
    const run = new Running(['submit', '--queue', 'local', '--wait', '--cpu', '64', '--', 'true'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/RUNNABLE/)
    expect((await mfbatch(['kill', id])).code).toBe(0)
    expect((await run.done).code).toBe(126)
    expect(statuses(run.stderr, id).at(-1)).toBe('FAILED: Terminated by mfbatch')
  })

  test('a job terminated while running exits with its container code, 143', async () => {
    const run = new Running(['submit', '--queue', 'local', '--wait', '--', 'sleep', '60'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/ RUNNING/)
    expect((await mfbatch(['kill', id])).code).toBe(0)
    expect((await run.done).code).toBe(143)
  })

  test("a FAILED array job exits with its lowest-index failed child's code, not 126", async () => {
    // Child 0 succeeds, child 1 exits 4, child 2 exits 3: the code is child 1's, though 3 is smaller.
    const script = 'case $AWS_BATCH_JOB_ARRAY_INDEX in 0) exit 0;; 1) exit 4;; *) exit 3;; esac'
    const result = await submit(['--wait', '--array-size', '3', '--', 'sh', '-c', script])
    expect(result.code).toBe(4)
    const id = result.stdout.trim()
    expect(statuses(result.stderr, id).at(-1)).toMatch(/^FAILED/)
  })

  test('Ctrl-C: exit 130 within a second, the job keeps running, stderr says how to re-attach', async () => {
    const run = new Running(['submit', '--queue', 'local', '--wait', '--', 'sleep', '60'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/ RUNNING/)
    const sent = Date.now()
    run.interrupt()
    const {code} = await run.done
    expect(Date.now() - sent).toBeLessThan(1000)
    expect(code).toBe(130)
    expect(lines(run.stderr).slice(-2)).toEqual([
      `mfbatch: interrupted; job ${id} keeps running. Re-attach with:`,
      `mfbatch:   mfbatch logs --follow ${id}`,
    ])
    expect((await statusOf(id)).status).toBe('RUNNING')
    await mfbatch(['kill', id])
  })

  test('Ctrl-C with --kill-on-interrupt terminates the job first', async () => {
    const run = new Running(['submit', '--queue', 'local', '--kill-on-interrupt', '--', 'sleep', '60'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/ RUNNING/)
    run.interrupt()
    expect((await run.done).code).toBe(130)
    expect(lines(run.stderr).at(-1)).toBe(`mfbatch: interrupted; terminated job ${id}`)
    // The job ends by SIGTERM: `status --wait` hands its code through.
    expect((await mfbatch(['status', '--wait', '--wait-timeout', '10s', id])).code).toBe(143)
    expect(await statusOf(id)).toMatchObject({exitCode: 143, status: 'FAILED'})
  })

  test('a job RUNNABLE too long gets a diagnosis ending with the kill command; --wait-timeout then exits 124', async () => {
    // MFBATCH_RUNNABLE_DIAGNOSIS_AFTER shortens the one-minute threshold for this test.
    const result = await submit(['--wait', '--wait-timeout', '5s', '--cpu', '64', '--', 'true'], {
      MFBATCH_RUNNABLE_DIAGNOSIS_AFTER: '2s',
    })
    expect(result.code).toBe(124)
    const id = result.stdout.trim()
    const after = lines(result.stderr).slice(4)
    const diagnosis = after.findIndex((line) => line.includes('has been RUNNABLE for'))
    expect(after[diagnosis]).toMatch(new RegExp(`^mfbatch: job mfbatch-true ${id} has been RUNNABLE for [2-5]s:$`))
    expect(after.slice(diagnosis + 1)).toEqual([
      'mfbatch:   - AWS Batch says: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.',
      'mfbatch:   - the job asks for 64 vCPUs; the most any compute environment of queue local offers is 2 (local-ec2 2)',
      `mfbatch:   to stop waiting for it: mfbatch kill ${id}`,
      `mfbatch: --wait-timeout ran out; job ${id} keeps running`,
    ])
    await mfbatch(['kill', id])
  })
})

describe('submit when responses get lost', () => {
  let faulty: TestEmulator

  beforeAll(async () => {
    faulty = await startEmulator({args: ['--vcpus', '2', '--fault-drop', '0.3', '--seed', '11']})
  })

  afterAll(async () => {
    await faulty?.stop()
    if (faulty) removeStateDir(faulty.stateDir)
  })

  test('one submit makes exactly one job, even when answers are dropped after the work is done', async () => {
    const names = Array.from({length: 8}, (_, i) => `once-${i}`)
    const extra = {...faulty.env, HOME: home}
    for (const name of names) {
      // eslint-disable-next-line no-await-in-loop
      const result = await runCli(['submit', '--queue', 'local', '--quiet', '--name', name, '--', 'true'], {
        cwd: home,
        env: extra,
      })
      expect([name, result.code, result.stderr]).toEqual([name, 0, ''])
    }

    const listed = await runCli(['status', '--queue', 'local', '--state', 'all', '--json'], {cwd: home, env: extra})
    const jobNames = (JSON.parse(listed.stdout).jobs as Array<{jobName: string}>).map((job) => job.jobName).sort()
    expect(jobNames).toEqual(names)
    expect((await faulty.stats())['batch:SubmitJob']).toBeGreaterThanOrEqual(names.length)
  }, 120_000)
})
