/**
 * A Metaflow user's `--local`: their ~/.metaflowconfig names an AWS queue and an S3 datastore the emulator does not
 * have. The quick start still works: those names give way to the emulator's own, with one line saying so; a queue
 * given as `--queue` stays an error naming the queues there are; a queue the emulator has is used as set.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let work: string
let project: string
let env: Record<string, string>

const QUEUE_LINE =
  'mfbatch: --local: queue "prod-queue" (from METAFLOW_BATCH_JOB_QUEUE in ~/.metaflowconfig/config.json) is not in ' +
  'the emulator; using "local" (pass --queue to choose another)'
const ROOT_LINE =
  'mfbatch: --local: package root "s3://their-bucket/x" (from METAFLOW_DATASTORE_SYSROOT_S3 in ' +
  '~/.metaflowconfig/config.json) is for AWS; using "s3://mfbatch-local", the emulator\'s'

const mfbatch = (args: string[], more: Record<string, string> = {}) =>
  runCli(args, {cwd: project, env: {...env, ...more}, timeoutMs: 90_000})

const lines = (stderr: string) => stderr.trimEnd().split('\n')

describe('--local with a Metaflow config made for AWS', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mfbatch-metaflow-'))
    const home = join(work, 'home')
    project = join(work, 'project')
    mkdirSync(join(home, '.metaflowconfig'), {recursive: true})
    mkdirSync(project)
    writeFileSync(
      join(home, '.metaflowconfig', 'config.json'),
      JSON.stringify({METAFLOW_BATCH_JOB_QUEUE: 'prod-queue', METAFLOW_DATASTORE_SYSROOT_S3: 's3://their-bucket/x'}),
    )
    writeFileSync(join(project, 'train.py'), 'print("trained")\n')
    env = {HOME: home, MFBATCH_EMULATOR_PORT: String(await freePort())}
  })

  afterAll(async () => {
    await mfbatch(['emulator', 'stop'])
    rmSync(work, {force: true, recursive: true})
  })

  test("the first command works: the configured queue gives way to the emulator's, said once", async () => {
    const run = await mfbatch(['submit', '--local', '--follow', '--', 'echo', 'hi'])
    expect([run.code, run.stdout]).toEqual([0, 'hi\n'])
    expect(lines(run.stderr).filter((line) => /queue/.test(line))).toEqual([
      QUEUE_LINE,
      expect.stringMatching(/^mfbatch: submitted job mfbatch-echo-hi to queue local \(EC2; /),
    ])
  })

  test("--package: the package goes to the emulator's bucket, not the configured datastore", async () => {
    const run = await mfbatch(['submit', '--local', '--package', '--json', '--wait', '--', 'python3', 'train.py'])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as {jobQueue: string; package: {url: string}; result: {exitCode: number}}
    expect([result.result.exitCode, result.jobQueue]).toEqual([0, 'local'])
    expect(result.package.url).toMatch(/^s3:\/\/mfbatch-local\/mfbatch\/packages\/[\da-f]{64}\.tar\.gz$/)
    expect(lines(run.stderr).filter((line) => line.includes('--local:'))).toEqual([ROOT_LINE, QUEUE_LINE])
  })

  test('the queue from an environment variable gives way too, and says where it came from', async () => {
    const run = await mfbatch(['submit', '--local', '--wait', '--', 'true'], {METAFLOW_BATCH_JOB_QUEUE: 'other-queue'})
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toContain(
      'mfbatch: --local: queue "other-queue" (from the environment variable METAFLOW_BATCH_JOB_QUEUE) is not in the ' +
        'emulator; using "local" (pass --queue to choose another)',
    )
  })

  test('a configured queue the emulator has is used as set, without a word', async () => {
    const run = await mfbatch(['submit', '--local', '--wait', '--', 'true'], {
      METAFLOW_BATCH_JOB_QUEUE: 'local-fargate',
      METAFLOW_ECS_FARGATE_EXECUTION_ROLE: 'arn:aws:iam::000000000000:role/execution',
    })
    expect(run.code).toBe(0)
    expect(lines(run.stderr).filter((line) => /queue/.test(line))).toEqual([
      expect.stringMatching(/^mfbatch: submitted job mfbatch-true to queue local-fargate \(FARGATE; /),
    ])
  })

  test('status --local lists the jobs submitted from here, not the configured AWS queue', async () => {
    const submitted = await mfbatch(['submit', '--local', '--quiet', '--wait', '--', 'echo', 'listed'])
    expect(submitted.code).toBe(0)
    const status = await mfbatch(['status', '--local', '--json'])
    expect(status.code).toBe(0)
    const {jobs} = JSON.parse(status.stdout) as {jobs: Array<{jobId: string}>}
    expect(jobs.map((job) => job.jobId)).toContain(submitted.stdout.trim())
  })

  test("queues --local marks the emulator's default, the configured queue named once", async () => {
    const run = await mfbatch(['queues', '--local'])
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n').map((line) => line.split('\t').slice(0, 2).join(' '))).toEqual([
      '* local',
      '- local-fargate',
      '',
    ])
    expect(lines(run.stderr)).toEqual([
      'mfbatch: --local: queue "prod-queue" (from METAFLOW_BATCH_JOB_QUEUE in ~/.metaflowconfig/config.json) is not ' +
        'in the emulator; using "local"',
    ])
  })

  test("--queue names this run's queue: one the emulator lacks is an error naming those it has", async () => {
    const run = await mfbatch(['submit', '--local', '--queue', 'prod-queue', '--', 'true'])
    expect([run.code, run.stdout]).toEqual([1, ''])
    expect(lines(run.stderr).at(-1)).toBe(
      'mfbatch: job queue "prod-queue" not found; queues that exist: local, local-fargate. Set it with --queue, the ' +
        'environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`.',
    )
  })

  test("--dry-run --local without --queue: the emulator's default queue, the configured one named", async () => {
    const run = await mfbatch(['submit', '--local', '--dry-run', '--json', '--', 'true'])
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as {submitJob: {jobQueue: string}}).submitJob.jobQueue).toBe('local')
    expect(lines(run.stderr)).toContain(
      'mfbatch: --local: a dry run cannot ask the emulator for queue "prod-queue" (from METAFLOW_BATCH_JOB_QUEUE in ' +
        '~/.metaflowconfig/config.json); using "local", its default (pass --queue to choose)',
    )
  })

  test("--dry-run --local with no queue anywhere: the emulator's default queue", async () => {
    const run = await mfbatch(['submit', '--local', '--dry-run', '--json', '--', 'true'], {
      METAFLOW_HOME: join(work, 'no-metaflow-config'),
    })
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as {submitJob: {jobQueue: string}}).submitJob.jobQueue).toBe('local')
  })
})
