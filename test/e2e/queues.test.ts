/**
 * `mfbatch queues` as users run it: the built CLI against an emulator on a free port (4 vCPUs), its two default
 * queues (`local` on EC2, `local-fargate` on Fargate), jobs made and queues changed with AWS's own client.
 */
import {type BatchClient, TerminateJobCommand, UpdateJobQueueCommand} from '@aws-sdk/client-batch'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, submitJobs, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

const arn = (kind: string, name: string) => `arn:aws:batch:us-east-1:000000000000:${kind}/${name}`
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const queues = (args: string[] = [], env: Record<string, string> = {}) =>
  runCli(['queues', ...args], {env: {...emulator.env, ...env}})

const LOCAL = '*\tlocal\tENABLED\tVALID\tEC2\t1\t0\t0\tlocal-ec2:EC2:ENABLED:VALID:0/0/4\t'
const FARGATE = '-\tlocal-fargate\tENABLED\tVALID\tFARGATE\t1\t0\t0\tlocal-fargate:FARGATE:ENABLED:VALID:-/-/4\t'

/** One default queue as --json shows it. */
function jsonQueue(name: string, ce: string, platform: string, resources: object) {
  return {
    arn: arn('job-queue', name),
    computeEnvironments: [
      {
        arn: arn('compute-environment', ce),
        gpus: false,
        name: ce,
        order: 1,
        platform,
        state: 'ENABLED',
        status: 'VALID',
        statusReason: null,
        type: 'MANAGED',
        ...resources,
      },
    ],
    default: name === 'local',
    front: [],
    jobStateTimeLimitActions: [],
    name,
    platform,
    priority: 1,
    runnable: 0,
    running: 0,
    state: 'ENABLED',
    status: 'VALID',
    statusReason: null,
  }
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('queues', () => {
  test('the default compute environments: one line per queue in a pipe, the first usable queue marked', async () => {
    expect(await queues()).toEqual({code: 0, stderr: '', stdout: `${LOCAL}\n${FARGATE}\n`})
  })

  test('--json: every queue with its compute environments, nulls where AWS reports nothing', async () => {
    const result = await queues(['--json'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      defaultQueue: 'local',
      defaultSource: 'first usable',
      queues: [
        jsonQueue('local', 'local-ec2', 'EC2', {
          desiredvCpus: 0,
          instanceTypes: ['optimal'],
          maxvCpus: 4,
          minvCpus: 0,
        }),
        jsonQueue('local-fargate', 'local-fargate', 'FARGATE', {
          desiredvCpus: null,
          instanceTypes: [],
          maxvCpus: 4,
          minvCpus: null,
        }),
      ],
    })
  })

  test('RUNNABLE and RUNNING counts are the jobs of the queue now', async () => {
    // 64 vCPUs is more than the emulator has: these stay RUNNABLE for good.
    const waiting = await submitJobs(batch, {command: 'true', count: 3, name: 'parked', vcpus: 64})
    const [running] = await submitJobs(batch, {command: 'sleep 300', count: 1, name: 'busy'})
    try {
      await waitUntil(batch, [running], (status) => status === 'RUNNING')
      await waitUntil(batch, waiting, (status) => status === 'RUNNABLE')
      const result = await queues()
      expect(result).toMatchObject({code: 0, stderr: ''})
      expect(lines(result.stdout)).toEqual([LOCAL.replace('\t1\t0\t0\t', '\t1\t3\t1\t'), FARGATE])
    } finally {
      await Promise.all(
        [...waiting, running].map((jobId) => batch.send(new TerminateJobCommand({jobId, reason: 'test done'}))),
      )
    }

    await waitUntil(batch, [...waiting, running], (status) => status === 'FAILED')
  }, 60_000)

  test('a disabled queue shows its statusReason and is not the default; the next usable queue is', async () => {
    await batch.send(new UpdateJobQueueCommand({jobQueue: 'local', state: 'DISABLED'}))
    try {
      const result = await queues()
      expect(result).toEqual({
        code: 0,
        stderr: '',
        stdout: `${LOCAL.replace(/^\*/, '-').replace('ENABLED\tVALID\tEC2', 'DISABLED\tVALID\tEC2')}JobQueue Healthy\n${FARGATE.replace(/^-/, '*')}\n`,
      })
      const json = JSON.parse((await queues(['--json'])).stdout) as {
        defaultQueue: string
        queues: Array<{default: boolean; name: string; state: string; statusReason: null | string}>
      }
      expect(json.defaultQueue).toBe('local-fargate')
      expect(json.queues.map(({default: d, name, state, statusReason}) => ({d, name, state, statusReason}))).toEqual([
        {d: false, name: 'local', state: 'DISABLED', statusReason: 'JobQueue Healthy'},
        {d: true, name: 'local-fargate', state: 'ENABLED', statusReason: null},
      ])
    } finally {
      await batch.send(new UpdateJobQueueCommand({jobQueue: 'local', state: 'ENABLED'}))
    }
  })

  test('the configured queue is the one marked; one that does not exist is named on stderr', async () => {
    const configured = await queues([], {METAFLOW_BATCH_JOB_QUEUE: 'local-fargate'})
    expect(configured).toEqual({
      code: 0,
      stderr: '',
      stdout: `${LOCAL.replace(/^\*/, '-')}\n${FARGATE.replace(/^-/, '*')}\n`,
    })
    const missing = await queues([], {METAFLOW_BATCH_JOB_QUEUE: 'nope'})
    expect(missing).toEqual({
      code: 0,
      stderr:
        'mfbatch: the configured queue nope (METAFLOW_BATCH_JOB_QUEUE) does not exist; set another with --queue, ' +
        'the environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`\n',
      stdout: `${LOCAL.replace(/^\*/, '-')}\n${FARGATE}\n`,
    })
  })

  test('bad input exits 2 before any API call', async () => {
    await emulator.resetStats()
    expect(await queues(['--region', 'not a region'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --region: "not a region" is not allowed; use an AWS region such as us-east-1\n',
      stdout: '',
    })
    expect(await queues(['--bogus'])).toMatchObject({code: 2, stdout: ''})
    expect(await emulator.stats()).toEqual({})
  })
})
