/**
 * Reliability 3a, patient loops: against an emulator that throttles above 5 requests a second (the whole account's
 * budget, as on a busy AWS account), `status --watch`, `submit --wait` and `kill` of 300 jobs run at the same time
 * and each finishes correctly: every status change seen through to the end, the job's exit code handed through,
 * every job terminated exactly once. The 300 jobs are made beforehand without throttling, on the same state dir.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {batchClient, describeAll, submitJobs, waitUntil} from './jobs-fixture'

const KILLED = 300
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const finished = (status?: string): boolean => status === 'SUCCEEDED' || status === 'FAILED'

let home: string
const started: TestEmulator[] = []
const clients: BatchClient[] = []

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-loops-'))
})

afterAll(async () => {
  for (const client of clients) client.destroy()
  await Promise.all(started.map((e) => e.stop()))
  for (const dir of new Set(started.map((e) => e.stateDir))) removeStateDir(dir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('loops under --throttle-rps 5', () => {
  test(`status --watch, submit --wait and kill of ${KILLED} jobs, all at once, all finish correctly`, async () => {
    // 300 jobs asking for more vCPUs than there are: RUNNABLE until killed.
    const setup = await startEmulator({args: ['--vcpus', '2']})
    started.push(setup)
    const setupClient = batchClient(setup)
    clients.push(setupClient)
    const queued = await submitJobs(setupClient, {command: 'true', count: KILLED, name: 'queued', vcpus: 64})
    await setup.stop()

    const throttled = await startEmulator({args: ['--vcpus', '2', '--throttle-rps', '5'], stateDir: setup.stateDir})
    started.push(throttled)
    const batch = batchClient(throttled)
    clients.push(batch)
    const watched = await submitJobs(batch, {command: 'sleep 2; exit 3', count: 2, name: 'watched'})
    const env = {...throttled.env, HOME: home}
    const run = (args: string[]) => runCli(args, {cwd: home, env, timeoutMs: 150_000})
    const begun = Date.now()
    const [watch, waited, succeeded, kill] = await Promise.all([
      run(['status', '--watch', ...watched]),
      run(['submit', '--queue', 'local', '--wait', '--', 'sh', '-c', 'sleep 1; exit 4']),
      run(['submit', '--queue', 'local', '--wait', '--quiet', '--', 'true']),
      run(['kill', ...queued]),
    ])
    const seconds = Math.round((Date.now() - begun) / 1000)
    const faults = await throttled.faults()
    const calls = await throttled.stats()

    // status --watch in a pipe: a row per status change, ending with each job's final state and exit code.
    expect(watch.code).toBe(0)
    const finalRows = watched.map((id) =>
      lines(watch.stdout)
        .findLast((row) => row.startsWith(id))
        ?.split('\t')
        .slice(0, 4),
    )
    expect(finalRows).toEqual(watched.map((id, i) => [id, `watched-${i}`, 'FAILED', '3']))

    // submit --wait hands the job's exit code through.
    expect(waited.code).toBe(4)
    expect(lines(waited.stderr).at(-1)).toMatch(/ FAILED \(exit 4\): Essential container in task exited$/)
    expect([succeeded.code, succeeded.stderr]).toEqual([0, ''])

    // kill: every job once, each reported, each ends terminated.
    expect(kill.code).toBe(0)
    expect(lines(kill.stdout).sort()).toEqual([...queued].sort())
    expect(kill.stderr).toBe(`mfbatch: terminated ${KILLED}, already finished 0, not found 0\n`)
    const ended = await waitUntil(batch, queued, finished, 60_000)
    expect(new Set(ended.map((job) => `${job.status} ${job.statusReason}`))).toEqual(
      new Set(['FAILED Terminated by mfbatch']),
    )
    expect((await describeAll(batch, watched)).map((job) => job.status)).toEqual(['FAILED', 'FAILED'])
    expect(faults.throttled).toBeGreaterThan(0)
    printFigures('loops under --throttle-rps 5', {
      calls: Object.values(calls).reduce((a, b) => a + b, 0),
      describeJobs: calls['batch:DescribeJobs'],
      jobsKilled: KILLED,
      seconds,
      terminateJob: calls['batch:TerminateJob'],
      terminateJobs: calls['batch:TerminateJobs'],
      throttled: faults.throttled,
    })
  }, 240_000)
})
