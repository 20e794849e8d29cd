/**
 * `mfbatch status` as users run it: the built CLI in a child process against an emulator on a free port, with jobs
 * submitted by AWS's own client. Outputs and exit codes are compared whole; API calls are counted by the emulator.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {spawn, spawnSync} from 'node:child_process'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll, submitJobs, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient
let queued: string[]

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const NOT_FOUND = `mfbatch: job ${UNKNOWN} not found (AWS Batch keeps finished jobs for about 7 days)\n`
const MISCONFIGURED =
  'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that ' +
  'can be met by the CE(s) attached to the job queue.'
const ROW =
  /^[\da-f-]{36}\t[\w-]+\t(SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING|SUCCEEDED|FAILED)\t\d*\t[^\t]*\t\d{4}-\d\d-\d\dT[\d:.]+Z\t\d*$/
/** stdout's lines, without the newline that ends the last one (trailing empty fields are kept). */
const lines = (stdout: string): string[] => (stdout === '' ? [] : stdout.replace(/\n$/, '').split('\n'))
const finished = (status?: string): boolean => status === 'SUCCEEDED' || status === 'FAILED'

const status = (args: string[], timeoutMs?: number) => runCli(['status', ...args], {env: emulator.env, timeoutMs})

const JOB_KEYS = [
  'array',
  'attempts',
  'createdAt',
  'dependsOn',
  'durationSeconds',
  'exitCode',
  'image',
  'jobArn',
  'jobDefinition',
  'jobId',
  'jobName',
  'jobQueue',
  'logStreamName',
  'resources',
  'startedAt',
  'status',
  'statusReason',
  'stoppedAt',
]

// One emulator for the whole file: jobs submitted once serve every test.

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
  // Asking for more vCPUs than the emulator has keeps these RUNNABLE, using no capacity, for the whole file.
  queued = await submitJobs(batch, {command: 'true', count: 250, name: 'queued', vcpus: 64})
  // The scheduler gives a job its MISCONFIGURATION reason on its next pass, as AWS does: the tests read it.
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const jobs = await describeAll(batch, queued)
    if (jobs.every((job) => job.statusReason?.startsWith('MISCONFIGURATION:'))) break
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, 100)
    })
  }
}, 120_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('status of ids', () => {
  test('250 ids: one row each, in the order given, in at most 3 DescribeJobs calls', async () => {
    await emulator.resetStats()
    const ids = [...queued].reverse()
    const result = await status(ids)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const rows = lines(result.stdout)
    expect(rows.map((line) => line.split('\t')[0])).toEqual(ids)
    for (const line of rows) expect(line).toMatch(ROW)
    expect(rows[0].split('\t').slice(1, 5)).toEqual([
      'queued-249',
      'RUNNABLE',
      '',
      expect.stringMatching(/^MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/),
    ])
    const stats = await emulator.stats()
    expect(stats['batch:DescribeJobs']).toBeLessThanOrEqual(3)
    expect(stats['batch:ListJobs'] ?? 0).toBe(0)
  })

  test('an unknown id is reported on stderr and exits 1; the known ones are still shown', async () => {
    const result = await status([queued[0], UNKNOWN])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(NOT_FOUND)
    expect(lines(result.stdout).map((line) => line.split('\t')[0])).toEqual([queued[0]])
  })

  test('a reader that stops early (a broken pipe) ends the command quietly with 0', async () => {
    // 250 jobs as JSON are far more than a pipe holds, so the CLI is still writing when the reader goes away. The
    // unknown id would make it exit 1; a broken pipe ends it with 0 all the same (oclif alone would keep the 1).
    const args = [RUN, 'status', '--json', ...queued, UNKNOWN]
    const child = spawn(process.execPath, args, {env: {...cleanEnv(), ...emulator.env}})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise((resolve) => {
      child.on('close', resolve)
    })
    expect([code, stderr]).toEqual([0, NOT_FOUND])
  })

  test('a malformed id exits 2 with one line naming it, before any API call', async () => {
    await emulator.resetStats()
    const result = await status([queued[0], 'not-a-job'])
    expect(result).toEqual({
      code: 2,
      stderr:
        'mfbatch: job id: "not-a-job" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })

  test('a job ARN is the same job', async () => {
    const result = await status([`arn:aws:batch:us-east-1:000000000000:job/${queued[1]}`, queued[1], '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).jobs.map((job: {jobId: string}) => job.jobId)).toEqual([queued[1]])
  })

  test('--json: {jobs, notFound}, every documented field present', async () => {
    const result = await status(['--json', queued[0], UNKNOWN])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(NOT_FOUND)
    const payload = JSON.parse(result.stdout)
    expect(Object.keys(payload).sort()).toEqual(['jobs', 'notFound'])
    expect(payload.notFound).toEqual([UNKNOWN])
    expect(payload.jobs).toHaveLength(1)
    const [job] = payload.jobs
    // A RUNNABLE job given by id also has its place in the queue's line (the snapshot lists the first 100).
    expect(Object.keys(job).sort()).toEqual([...JOB_KEYS, 'queuePosition'].sort())
    expect(job).toMatchObject({
      array: null,
      attempts: [],
      dependsOn: [],
      durationSeconds: null,
      exitCode: null,
      image: 'busybox',
      jobId: queued[0],
      jobName: 'queued-0',
      logStreamName: null,
      queuePosition: {more: true, position: 1, runnable: 100},
      resources: {gpus: null, memoryMiB: 64, vcpus: 64},
      startedAt: null,
      status: 'RUNNABLE',
      stoppedAt: null,
    })
    expect(job.jobQueue).toMatch(/job-queue\/local$/)
  })

  test('one id in a pipe: the detail view as label<TAB>value lines', async () => {
    const result = await status([queued[3]])
    expect(result.code).toBe(0)
    const labels = lines(result.stdout).map((line) => line.split('\t')[0])
    expect(labels).toEqual([
      'Job',
      'Name',
      'Status',
      'Reason',
      'Queue',
      'Position',
      'Definition',
      'Image',
      'Resources',
      'Created',
    ])
    expect(result.stdout).toContain('Queue\tlocal\nPosition\t4th of 100+ RUNNABLE\n')
    expect(result.stdout).toContain(`Job\t${queued[3]}\nName\tqueued-3\nStatus\tRUNNABLE\n`)
    expect(result.stdout).toContain('Queue\tlocal\n')
    expect(result.stdout).toContain('Resources\t64 vCPU, 64 MiB\n')
  })

  test('on a terminal: a table with a header', () => {
    // `script` gives the CLI a pseudo-terminal, as a user's shell would.
    const command = [RUN, 'status', queued[0], queued[1]].map((arg) => `'${arg}'`).join(' ')
    const result = spawnSync('script', ['-qec', `'${process.execPath}' ${command}`, '/dev/null'], {
      encoding: 'utf8',
      env: {...cleanEnv(), ...emulator.env, COLUMNS: '200', NO_COLOR: '1', TERM: 'xterm'},
    })
    expect(result.status).toBe(0)
    const table = lines(result.stdout.replaceAll('\r', ''))
    expect(table).toHaveLength(3)
    expect(table[0]).toMatch(/^ID {36}NAME {6}STATUS {4}EXIT {2}REASON {2,}CREATED {2}DURATION$/)
    expect(table[1]).toMatch(
      new RegExp(`^${queued[0]}  queued-0  RUNNABLE {8}MISCONFIGURATION:.* (just now|\\d+[smh] ago)$`),
    )
  })
})

describe('status of a queue', () => {
  test('--queue local --state all lists every job, newest first', async () => {
    const result = await status(['--queue', 'local', '--state', 'all'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const rows = lines(result.stdout).map((line) => line.split('\t'))
    expect(rows.map((row) => row[0]).sort()).toEqual([...queued].sort())
    const created = rows.map((row) => row[5])
    expect(created).toEqual([...created].sort().reverse())
  })

  test('--name glob and --limit', async () => {
    const result = await status(['--queue', 'local', '--name', 'queued-1?', '--limit', '3'])
    expect(result.code).toBe(0)
    const names = lines(result.stdout).map((line) => line.split('\t')[1])
    expect(names).toHaveLength(3)
    for (const name of names) expect(name).toMatch(/^queued-1\d$/)
  })

  test('a queue that does not exist names the queues that do', async () => {
    const result = await status(['--queue', 'nope'])
    expect(result).toEqual({
      code: 1,
      stderr:
        'mfbatch: job queue "nope" not found; queues that exist: local, local-fargate. Set it with --queue, the ' +
        'environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`.\n',
      stdout: '',
    })
  })

  test('neither ids nor a queue nor a job submitted from here is bad usage', async () => {
    expect(await status([])).toEqual({
      code: 2,
      stderr: `mfbatch: no job submitted from this machine to ${emulator.url} is remembered; give job ids, or --queue QUEUE\n`,
      stdout: '',
    })
  })
})

describe('status --wait and --watch', () => {
  test('a job that succeeds: exit 0, then its final row', async () => {
    const [id] = await submitJobs(batch, {command: 'sleep 1', count: 1, name: 'ok'})
    const result = await status(['--wait', id])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Job\\t${id}\\nName\\tok-0\\nStatus\\tSUCCEEDED\\n`))
    expect(lines(result.stderr).at(-1)).toBe(`mfbatch: job ok-0 ${id} SUCCEEDED: Essential container in task exited`)
  })

  test("several jobs: the first failure's exit code", async () => {
    const [good] = await submitJobs(batch, {command: 'exit 0', count: 1, name: 'good'})
    const [bad] = await submitJobs(batch, {command: 'sleep 1; exit 3', count: 1, name: 'bad'})
    const result = await status(['--wait', good, bad])
    expect(result.code).toBe(3)
    const rows = lines(result.stdout)
    expect(rows.map((row) => row.split('\t').slice(0, 4))).toEqual([
      [good, 'good-0', 'SUCCEEDED', '0'],
      [bad, 'bad-0', 'FAILED', '3'],
    ])
  })

  test("a FAILED array parent: its lowest-index failed child's code", async () => {
    const script = 'case $AWS_BATCH_JOB_ARRAY_INDEX in 0) exit 5;; 1) exit 0;; *) exit 2;; esac'
    const submitted = await runCli(
      ['submit', '--quiet', '--queue', 'local', '--array-size', '3', '--', 'sh', '-c', script],
      {
        env: emulator.env,
      },
    )
    const parent = submitted.stdout.trim()
    const result = await status(['--wait', parent])
    expect(result.code).toBe(5)
    expect(lines(result.stdout).filter((row) => row.startsWith('Status\t'))).toEqual(['Status\tFAILED'])
  })

  test('a job terminated before it ran: 126', async () => {
    const [stuck] = await submitJobs(batch, {command: 'true', count: 1, name: 'stuck', vcpus: 64})
    const waiting = status(['--wait', stuck])
    await runCli(['kill', stuck], {env: emulator.env})
    const result = await waiting
    expect(result.code).toBe(126)
  })

  test('--wait-timeout: 124, the job keeps running', async () => {
    const result = await status(['--wait-timeout', '2s', queued[5]])
    expect(result.code).toBe(124)
    expect(lines(result.stderr)).toEqual([
      `mfbatch: job queued-5 ${queued[5]} RUNNABLE: ${MISCONFIGURED}`,
      'mfbatch: --wait-timeout ran out; the jobs keep running',
    ])
  })

  test('bad input while waiting exits 125, not 2', async () => {
    expect(await status(['--wait', 'nope'])).toEqual({
      code: 125,
      stderr:
        'mfbatch: job id: "nope" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN\n',
      stdout: '',
    })
    const unknown = await status(['--wait', UNKNOWN])
    expect([unknown.code, unknown.stderr]).toEqual([125, NOT_FOUND])
  })

  test('--watch in a pipe: one row per status change, ending with the final state', async () => {
    const [id] = await submitJobs(batch, {command: 'sleep 2', count: 1, name: 'watched'})
    const result = await status(['--watch', id])
    expect(result.code).toBe(0)
    const rows = lines(result.stdout)
    for (const row of rows) expect(row).toMatch(ROW)
    expect(rows.at(-1)!.split('\t').slice(0, 4)).toEqual([id, 'watched-0', 'SUCCEEDED', '0'])
    expect(new Set(rows.map((row) => row.split('\t')[2])).size).toBe(rows.length)
    await waitUntil(batch, [id], finished)
  })
})
