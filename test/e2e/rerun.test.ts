/**
 * `mfbatch rerun` as users run it: the built CLI against an emulator on a free port; the new jobs are read back
 * with AWS's own client and API calls are counted by the emulator.
 */
import type {BatchClient, JobDetail} from '@aws-sdk/client-batch'

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient
let cacheDir: string

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const env = () => ({...emulator.env, MFBATCH_CACHE_DIR: cacheDir})
const cli = (args: string[]) => runCli(args, {env: env()})

/** Submits and waits; returns the job id and the exit code. */
async function submitted(args: string[]): Promise<{code: number; id: string}> {
  const result = await cli(['submit', '--queue', 'local', '--quiet', '--wait', ...args])
  return {code: result.code, id: result.stdout.trim()}
}

async function describe1(id: string): Promise<JobDetail> {
  const [job] = await describeAll(batch, [id])
  return job
}

/** The definition name a dry run would register. */
const definitionNameIn = (out: string) =>
  (JSON.parse(out) as {registerJobDefinition: {jobDefinitionName: string}}).registerJobDefinition.jobDefinitionName

/** The tags a rerun sets, without the random submission mark. */
function tagsOf(job: JobDetail): Record<string, string> {
  const {'mfbatch:submission-id': mark, ...rest} = job.tags ?? {}
  expect(mark).toMatch(/^[\da-f-]{36}$/)
  return rest
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
  cacheDir = mkdtempSync(join(tmpdir(), 'mfbatch-rerun-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(cacheDir, {force: true, recursive: true})
})

describe('rerun', () => {
  test('a FAILED job again with more memory and a new command SUCCEEDS; the rest is the old job’s', async () => {
    const failed = await submitted(['--memory', '100', '--tag', 'team=x', '--env', 'A=1', '--', 'sh', '-c', 'exit 3'])
    expect(failed.code).toBe(3)

    // Independent of each other: at once, so the test stays short.
    const [again, rerun] = await Promise.all([
      cli(['rerun', failed.id, '--wait']),
      cli(['rerun', failed.id, '--memory', '200', '--follow', '--', 'sh', '-c', 'echo "A=$A"']),
    ])
    expect(again.code).toBe(3)
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toBe('A=1\n')
    expect(rerun.stderr).toContain(`mfbatch: rerun of job ${failed.id}\n`)
    expect(rerun.stderr).toContain('(EC2; job definition reused)')

    const [before, after] = await describeAll(batch, [failed.id, again.stdout.trim()])
    const newest = (await describeAll(batch, [/[\da-f-]{36}/.exec(rerun.stderr.split('status ')[1])![0]]))[0]
    for (const job of [after, newest]) {
      expect(job.jobDefinition).toBe(before.jobDefinition)
      expect(job.jobQueue).toBe(before.jobQueue)
      expect(job.jobName).toBe(before.jobName)
      expect(job.retryStrategy).toEqual(before.retryStrategy)
      expect(job.timeout).toEqual(before.timeout)
      expect(job.container?.environment).toEqual([{name: 'A', value: '1'}])
      expect(tagsOf(job)).toEqual({'mfbatch:rerun-of': failed.id, team: 'x'})
    }

    expect(after.container?.command).toEqual(['sh', '-c', 'exit 3'])
    expect(after.container?.resourceRequirements).toEqual(before.container?.resourceRequirements)
    expect(newest.status).toBe('SUCCEEDED')
    expect(newest.container?.command).toEqual(['sh', '-c', 'echo "A=$A"'])
    expect(newest.container?.resourceRequirements).toEqual([
      {type: 'VCPU', value: '1'},
      {type: 'MEMORY', value: '200'},
    ])
  }, 90_000)

  test('an array job reruns with the same array size; stdout is the new id alone; --json', async () => {
    const old = await submitted(['--array-size', '3', '--', 'sh', '-c', 'echo $AWS_BATCH_JOB_ARRAY_INDEX'])
    expect(old.code).toBe(0)
    const [rerun, json] = await Promise.all([
      cli(['rerun', old.id, '--wait', '--tag', 'try=2']),
      cli(['rerun', old.id, '--json', '--array-size', '2']),
    ])
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toMatch(/^[\da-f-]{36}\n$/)
    const job = await describe1(rerun.stdout.trim())
    expect(job.arrayProperties?.size).toBe(3)
    expect(job.status).toBe('SUCCEEDED')
    expect(tagsOf(job)).toEqual({'mfbatch:rerun-of': old.id, try: '2'})

    expect(json.code).toBe(0)
    const result = JSON.parse(json.stdout) as Record<string, unknown>
    expect(Object.keys(result).sort()).toEqual([
      'jobArn',
      'jobDefinition',
      'jobId',
      'jobName',
      'jobQueue',
      'platform',
      'rerunOf',
    ])
    expect(result).toMatchObject({jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/local', rerunOf: old.id})
    expect((await describe1(result.jobId as string)).arrayProperties?.size).toBe(2)
  }, 90_000)

  test('a multi-node job reruns with its node count; a new command keeps the rendezvous wrapper', async () => {
    const old = await submitted(['--nodes', '2', '--memory', '64', '--', 'sh', '-c', 'echo rank=$NODE_RANK'])
    expect(old.code).toBe(0)
    const rerun = await cli(['rerun', old.id, '--wait', '--', 'sh', '-c', 'echo "again $NODE_RANK of $NNODES"'])
    expect(rerun.code).toBe(0)
    const id = rerun.stdout.trim()
    const job = await describe1(id)
    expect(job.nodeProperties?.numNodes).toBe(2)
    expect(tagsOf(job)).toEqual({'mfbatch:rerun-of': old.id})
    expect(await cli(['logs', id])).toEqual({code: 0, stderr: '', stdout: 'again 0 of 2\n'})
  }, 60_000)

  test('--dry-run reads the job and submits nothing', async () => {
    const old = await submitted(['--memory', '64', '--', 'true'])
    await emulator.resetStats()
    const dry = await cli(['rerun', 'last', '--dry-run', '--cpu', '0.5', '--env', 'B=2', '--', 'echo', 'x'])
    expect(dry.code).toBe(0)
    expect(await emulator.stats()).toEqual({'batch:DescribeJobs': 1})
    const before = await describe1(old.id)
    expect(JSON.parse(dry.stdout)).toEqual({
      submitJob: {
        containerOverrides: {
          command: ['echo', 'x'],
          environment: [{name: 'B', value: '2'}],
          resourceRequirements: [
            {type: 'VCPU', value: '0.5'},
            {type: 'MEMORY', value: '64'},
          ],
        },
        jobDefinition: before.jobDefinition,
        jobName: before.jobName,
        jobQueue: before.jobQueue,
        propagateTags: true,
        retryStrategy: {attempts: 1},
        tags: {'mfbatch:rerun-of': old.id},
        timeout: {attemptDurationSeconds: 432_000},
      },
    })
  })

  test('a changed image makes the definition submit would make, registered once and then reused', async () => {
    const old = await submitted(['--shared-memory', '64', '--', 'true'])
    const [dry, wanted] = await Promise.all([
      cli(['rerun', old.id, '--dry-run', '--image', 'python:3.12']),
      cli([
        'submit',
        '--dry-run',
        '--queue',
        'local',
        '--platform',
        'ec2',
        '--shared-memory',
        '64',
        '--image',
        'python:3.12',
        '--',
        'true',
      ]),
    ])
    expect(definitionNameIn(dry.stdout)).toBe(definitionNameIn(wanted.stdout))
    await emulator.resetStats()
    const first = await cli(['rerun', old.id, '--image', 'python:3.12'])
    const second = await cli(['rerun', old.id, '--image', 'python:3.12'])
    expect(first.stderr).toContain('job definition registered)')
    expect(second.stderr).toContain('job definition reused)')
    expect((await emulator.stats())['batch:RegisterJobDefinition']).toBe(1)
    const [a, b] = await describeAll(batch, [first.stdout.trim(), second.stdout.trim()])
    expect(a.jobDefinition).toBe(b.jobDefinition)
    expect(a.jobDefinition).toContain(definitionNameIn(dry.stdout))
    expect(a.container?.image).toBe('python:3.12')
    expect(a.container?.linuxParameters).toEqual({sharedMemorySize: 64})
  }, 60_000)

  test('bad input exits 2 (125 with --wait) before any API call; an unknown job exits 1', async () => {
    const old = await submitted(['--', 'true'])
    await emulator.resetStats()
    const cases: Array<[string[], number, string]> = [
      [['rerun'], 2, 'mfbatch: JOB is required: give the job to run again, e.g. rerun last --memory 32000'],
      [
        ['rerun', 'nope'],
        2,
        'mfbatch: JOB: "nope" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN',
      ],
      [
        ['rerun', old.id, '--memory', '0'],
        2,
        'mfbatch: --memory: "0" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
      ],
      [
        ['rerun', old.id, '--wait', '--memory', '0'],
        125,
        'mfbatch: --memory: "0" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
      ],
      [['rerun', old.id, '--image', ''], 2, 'mfbatch: --image: "" is not allowed; give a value'],
      [
        ['rerun', old.id, '--tag', 'aws:x=1'],
        2,
        'mfbatch: --tag: "aws:x=1" is not allowed; tag keys starting with aws: are reserved',
      ],
      [
        ['rerun', old.id, '--env', 'AWS_BATCH_X=1'],
        2,
        'mfbatch: --env: "AWS_BATCH_X" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
      ],
      [
        ['rerun', `${old.id}:1`],
        2,
        `mfbatch: JOB: "${old.id}:1" is one child or node of job ${old.id}; rerun ${old.id} itself`,
      ],
      [
        ['rerun', old.id, 'extra'],
        2,
        `mfbatch: give one job, then the new command after --, e.g. rerun JOB -- python train.py (got "${old.id} extra")`,
      ],
      [
        ['rerun', old.id, '--dry-run', '--wait'],
        125,
        'mfbatch: --dry-run makes no job to wait on; drop --wait/--follow',
      ],
    ]
    // All at once: none may make an API call, which the count after them checks.
    const results = await Promise.all(cases.map(([args]) => cli(args)))
    expect(results.map((r) => ({code: r.code, stderr: r.stderr, stdout: r.stdout}))).toEqual(
      cases.map(([, code, line]) => ({code, stderr: `${line}\n`, stdout: ''})),
    )

    expect(await emulator.stats()).toEqual({})
    expect(await cli(['rerun', UNKNOWN])).toEqual({
      code: 1,
      stderr: `mfbatch: job ${UNKNOWN} not found (AWS Batch keeps finished jobs for about 7 days); check the id with "mfbatch status"\n`,
      stdout: '',
    })
  }, 60_000)
})
