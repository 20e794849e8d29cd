/**
 * The queue's line (GetJobQueueSnapshot) as users see it: `status JOB` and `status --json` give a RUNNABLE job's
 * place, the RUNNABLE diagnosis of a wait starts with it, and `queues` shows each queue's next jobs and its time
 * limits on RUNNABLE jobs. An emulator of 2 vCPUs, one job holding both, the others in line behind it.
 */
import {type BatchClient, TerminateJobCommand, UpdateJobQueueCommand} from '@aws-sdk/client-batch'
import {spawnSync} from 'node:child_process'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, submitJobs, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient
let blocker: string
let line: string[]

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, {env: {...emulator.env, ...env}, timeoutMs: 60_000})

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '2']})
  batch = batchClient(emulator)
  ;[blocker] = await submitJobs(batch, {command: 'sleep 300', count: 1, name: 'blocker', vcpus: 2})
  await waitUntil(batch, [blocker], (status) => status === 'RUNNING')
  line = await submitJobs(batch, {command: 'true', count: 3, name: 'waiting'})
  await waitUntil(batch, line, (status) => status === 'RUNNABLE')
}, 60_000)

afterAll(async () => {
  if (batch) {
    const jobs = [blocker, ...line].filter(Boolean)
    await Promise.all(
      jobs.map((jobId) => batch.send(new TerminateJobCommand({jobId, reason: 'test done'})).catch(() => {})),
    )
  }

  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe("the queue's line", () => {
  test('status JOB: "Position 2nd of 3 RUNNABLE"; --json: queuePosition; a running job has none', async () => {
    const piped = await cli(['status', line[1]])
    expect(piped.code).toBe(0)
    expect(lines(piped.stdout).filter((l) => /^(Status|Queue|Position)\t/.test(l))).toEqual([
      'Status\tRUNNABLE',
      'Queue\tlocal',
      'Position\t2nd of 3 RUNNABLE',
    ])
    const json = await cli(['status', '--json', ...line, blocker])
    const jobs = JSON.parse(json.stdout).jobs as Array<{jobId: string; queuePosition?: unknown}>
    expect(jobs.map((job) => [job.jobId, job.queuePosition])).toEqual([
      [line[0], {more: false, position: 1, runnable: 3}],
      [line[1], {more: false, position: 2, runnable: 3}],
      [line[2], {more: false, position: 3, runnable: 3}],
      [blocker, undefined],
    ])
    expect(lines((await cli(['status', blocker])).stdout).some((l) => l.startsWith('Position'))).toBe(false)
  })

  test('the RUNNABLE diagnosis of a wait starts with the place in line', async () => {
    const waited = await cli(['submit', '--queue', 'local', '--wait', '--wait-timeout', '3s', '--', 'true'], {
      MFBATCH_RUNNABLE_DIAGNOSIS_AFTER: '1s',
    })
    expect(waited.code).toBe(124)
    const diagnosis = lines(waited.stderr)
    const header = diagnosis.findIndex((l) => / has been RUNNABLE for /.test(l))
    expect(diagnosis[header + 1]).toBe('mfbatch:   - it is 4th of 4 RUNNABLE in queue local (3 jobs ahead of it)')
    await cli(['kill', waited.stdout.trim()])
  })

  test('queues: the next jobs of each queue and its time limit on RUNNABLE jobs (--json and on a terminal)', async () => {
    const limit = {action: 'CANCEL', maxTimeSeconds: 600, reason: 'waited too long', state: 'RUNNABLE'} as const
    await batch.send(new UpdateJobQueueCommand({jobQueue: 'local', jobStateTimeLimitActions: [limit]}))
    const json = JSON.parse((await cli(['queues', '--json'])).stdout)
    const local = json.queues.find((q: {name: string}) => q.name === 'local')
    expect([local.front, local.jobStateTimeLimitActions, local.runnable]).toEqual([line, [limit], 3])
    const command = [RUN, 'queues'].map((arg) => `'${arg}'`).join(' ')
    const terminal = spawnSync('script', ['-qec', `'${process.execPath}' ${command}`, '/dev/null'], {
      encoding: 'utf8',
      // CI: no spinner (stderr shares the pseudo-terminal).
      env: {...cleanEnv(), ...emulator.env, CI: '1', COLUMNS: '200', NO_COLOR: '1', TERM: 'xterm'},
    })
    expect(lines(terminal.stdout.replaceAll('\r', '')).slice(-3)).toEqual([
      '',
      `local: next to run ${line.join(', ')}`,
      'local: cancels jobs RUNNABLE at the head of the queue for over 10m: waited too long',
    ])
  })
})
