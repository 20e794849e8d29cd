/**
 * Tables and progress lines on an 80-column terminal (a pseudo-terminal, as a user's shell gives): `status` and
 * `queues` fit the width with whole words (no `CREAT` / `ED`), default job names without their `mfbatch-` prefix,
 * and `submit --wait`'s lines on stderr wrap between words. Every screen row is one the CLI printed as such.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {runOnTerminal, screenAfter} from '../helpers/terminal'
import {batchClient, submitJobs, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient
let ids: string[]

const size = {columns: 80, rows: 40}
const screenOf = async (args: string[]) => {
  const run = await runOnTerminal(args, {...size, env: {...emulator.env, NO_COLOR: '1'}})
  return {code: run.code, rows: screenAfter(run.output, size), text: run.output.replaceAll('\r\n', '\n')}
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '8']})
  batch = batchClient(emulator)
  const done = await submitJobs(batch, {command: 'true', count: 2, name: 'mfbatch-train-model'})
  await waitUntil(batch, done, (status) => status === 'SUCCEEDED')
  // Larger than any compute environment: RUNNABLE for good with AWS's long MISCONFIGURATION reason.
  const stuck = await submitJobs(batch, {command: 'true', count: 1, name: 'mfbatch-too-big', vcpus: 64})
  await waitUntil(batch, stuck, (status) => status === 'RUNNABLE')
  ids = [...done, ...stuck]
}, 90_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('at 80 columns', () => {
  test('status: one screen row per job, whole headers, names without mfbatch-', async () => {
    const {code, rows} = await screenOf(['status', ...ids])
    expect(code).toBe(0)
    expect(rows).toHaveLength(1 + ids.length)
    expect(rows[0]).toMatch(/^ID {36}NAME {11}STATUS {5}EXIT {2}REASON$/)
    expect(rows.slice(1).map((row) => row.slice(0, 38 + 15).trimEnd())).toEqual([
      `${ids[0]}  train-model-0`,
      `${ids[1]}  train-model-1`,
      `${ids[2]}  too-big-0`,
    ])
    expect(rows[3]).toMatch(/ RUNNABLE {9}MISCONFIG…$/)
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80)
  })

  test('queues: both tables within the width, one screen row per line', async () => {
    const {code, rows} = await screenOf(['queues'])
    expect(code).toBe(0)
    expect(rows).toEqual([
      '   QUEUE          STATE    STATUS  PLATFORM  PRIORITY  RUNNABLE  RUNNING',
      '*  local          ENABLED  VALID   EC2       1         1         0',
      '   local-fargate  ENABLED  VALID   FARGATE   1         0         0',
      '',
      'QUEUE          COMPUTE ENVIRONMENT  STATE    STATUS  PLATFORM  GPUS',
      'local          local-ec2            ENABLED  VALID   EC2       no',
      'local-fargate  local-fargate        ENABLED  VALID   FARGATE   no',
      '',
      // The RUNNABLE job that no compute environment can hold is the front of its queue's line.
      expect.stringMatching(/^local: next to run [\da-f-]{36}$/),
    ])
  })

  test('submit --wait: lines on stderr wrap between words', async () => {
    const {code, rows, text} = await screenOf([
      'submit',
      '--queue',
      'local',
      '--name',
      'a-job-whose-name-makes-the-first-line-long',
      '--wait',
      '--',
      'true',
    ])
    expect(code).toBe(0)
    expect(text).toContain(
      'mfbatch: submitted job a-job-whose-name-makes-the-first-line-long to queue local\n  (EC2; job definition',
    )
    for (const row of rows) {
      expect(row.length).toBeLessThanOrEqual(80)
      // A row is a line the CLI began: its own prefix, an indented continuation, or the job id alone.
      expect(row).toMatch(/^(mfbatch: | {2}\S|[\da-f]{8}-)/)
    }
  })
})
