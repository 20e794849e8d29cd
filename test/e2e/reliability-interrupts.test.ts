/**
 * Reliability 4, interrupts, where the commands are most likely to be caught mid-call: an emulator that throttles
 * and answers slowly. (submit.test.ts covers Ctrl-C of `submit --wait` and `--kill-on-interrupt` on a healthy
 * emulator, logs.test.ts `logs JOB | head -1` of a finished job.) Ctrl-C must end every waiting command with 130
 * within a second, leave the job running and say how to get back to it; `--kill-on-interrupt` terminates the job
 * before leaving; a reader that goes away ends `logs --follow` quietly with 0.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {Running} from '../helpers/running'
import {signedHeaders} from '../helpers/sign'
import {batchClient, describeAll, submitJobs, waitUntil} from './jobs-fixture'

/**
 * Throttled and slow: at any moment a call is likely in flight or waiting to be retried. Another client takes most
 * of the 3 requests a second (see `crowd`), as on a shared account.
 */
const SLOW = ['--vcpus', '4', '--throttle-rps', '3', '--latency', '300']
const TICKS = 'i=1; while [ $i -le 40 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done'
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const finished = (status?: string): boolean => status === 'SUCCEEDED' || status === 'FAILED'

let emulator: TestEmulator
let batch: BatchClient
let crowd: NodeJS.Timeout | undefined
let home: string
const running: Running[] = []
/** Milliseconds from Ctrl-C to the end of each process that must end within a second. */
const exits: number[] = []
/** --kill-on-interrupt first waits for TerminateJob's answer. */
let killedExit = 0

const env = () => ({...emulator.env, HOME: home})
const start = (args: string[]): Running => {
  const run = new Running(args, {cwd: home, env: env()})
  running.push(run)
  return run
}

/** Ctrl-C, then how long the process took to end and its exit code. */
async function interrupt(run: Running): Promise<{code: null | number; ms: number}> {
  const sent = Date.now()
  run.interrupt()
  const {at, code} = await run.done
  return {code, ms: at - sent}
}

beforeAll(async () => {
  emulator = await startEmulator({args: SLOW})
  batch = batchClient(emulator)
  // Two requests a second from someone else: the commands under test are throttled now and then.
  const path = '/v1/describejobqueues'
  crowd = setInterval(async () => {
    const headers = await signedHeaders(emulator.credentials, emulator.url, {
      body: '{}',
      headers: {'content-type': 'application/json'},
      method: 'POST',
      path,
    })
    request(`${emulator.url}${path}`, {agent: false, headers, method: 'POST'})
      .on('error', () => {})
      .end('{}')
  }, 500)
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-interrupts-'))
})

afterAll(async () => {
  clearInterval(crowd)
  await Promise.all(running.map((run) => run.stop()))
  batch?.destroy()
  const faults = await emulator?.faults()
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
  if (faults) {
    printFigures('interrupts', {
      interrupts: exits.length + 1,
      killOnInterruptExitMs: killedExit,
      slowestExitMs: Math.max(...exits),
      throttled: faults.throttled,
    })
  }
})

describe('Ctrl-C while the emulator throttles and answers slowly', () => {
  test('submit --wait: 130 within a second, the job keeps running, stderr says how to re-attach', async () => {
    const run = start(['submit', '--queue', 'local', '--wait', '--', 'sleep', '60'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/ RUNNING\n/)
    const {code, ms} = await interrupt(run)
    exits.push(ms)
    expect([code, ms < 1000]).toEqual([130, true])
    expect(lines(run.stderr).slice(-2)).toEqual([
      `mfbatch: interrupted; job ${id} keeps running. Re-attach with:`,
      `mfbatch:   mfbatch logs --follow ${id}`,
    ])
    expect((await describeAll(batch, [id]))[0].status).toBe('RUNNING')
    expect((await runCli(['kill', id], {cwd: home, env: env()})).code).toBe(0)
  })

  test('submit --follow: 130 within a second; the re-attach command it prints then shows the whole log', async () => {
    const run = start(['submit', '--queue', 'local', '--follow', '--', 'sh', '-c', TICKS])
    await run.waitFor(/^tick 1$/m, {stream: 'stdout'})
    const {code, ms} = await interrupt(run)
    exits.push(ms)
    expect([code, ms < 1000]).toEqual([130, true])
    const [, command] = /^mfbatch: {3}mfbatch (logs --follow \S+)$/m.exec(run.stderr) ?? []
    const again = await runCli(command.split(' '), {cwd: home, env: env()})
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(Array.from({length: 40}, (_, i) => `tick ${i + 1}\n`).join(''))
  })

  test('--kill-on-interrupt: the job is terminated before mfbatch leaves with 130', async () => {
    const run = start(['submit', '--queue', 'local', '--kill-on-interrupt', '--', 'sleep', '60'])
    const [, id] = await run.waitFor(/status (\S+)\n/)
    await run.waitFor(/ RUNNING\n/)
    const before = (await emulator.stats())['batch:TerminateJob'] ?? 0
    const {code, ms} = await interrupt(run)
    killedExit = ms
    expect(code).toBe(130)
    // The line is printed once TerminateJob was answered: the emulator had it before the process ended.
    expect(lines(run.stderr).at(-1)).toBe(`mfbatch: interrupted; terminated job ${id}`)
    expect((await emulator.stats())['batch:TerminateJob']).toBeGreaterThan(before)
    const [job] = await waitUntil(batch, [id], finished, 30_000)
    expect([job.status, job.statusReason]).toEqual(['FAILED', 'Interrupted: mfbatch submit --kill-on-interrupt'])
  })

  test('logs --follow, status --wait and status --watch: 130 within a second, the job keeps running', async () => {
    const [id] = await submitJobs(batch, {command: 'sleep 60', count: 1, name: 'followed'})
    await waitUntil(batch, [id], (status) => status === 'RUNNING')

    const follow = start(['logs', '--follow', id])
    await follow.waitFor(/ RUNNING\n/)
    const followed = await interrupt(follow)
    exits.push(followed.ms)
    expect([followed.code, followed.ms < 1000]).toEqual([130, true])
    expect(lines(follow.stderr).at(-1)).toBe(`mfbatch: stopped following; job ${id} keeps running`)

    // Its first status line comes from its waiting loop: Ctrl-C is handled from then on.
    const wait = start(['status', '--wait', id])
    await wait.waitFor(/ RUNNING\n/)
    const waited = await interrupt(wait)
    exits.push(waited.ms)
    expect([waited.code, waited.ms < 1000]).toEqual([130, true])
    expect(lines(wait.stderr).at(-1)).toBe('mfbatch: interrupted; the jobs keep running')

    const watch = start(['status', '--watch', id])
    await watch.waitFor(new RegExp(`^${id}\tfollowed-0\tRUNNING\t`, 'm'), {stream: 'stdout'})
    const watched = await interrupt(watch)
    exits.push(watched.ms)
    expect([watched.code, watched.ms < 1000]).toEqual([130, true])
    expect(lines(watch.stderr).at(-1)).toBe('mfbatch: interrupted; the jobs keep running')

    expect((await describeAll(batch, [id]))[0].status).toBe('RUNNING')
    await runCli(['kill', id], {cwd: home, env: env()})
  })

  test('logs --follow of a job still writing, read by head -1: exit 0 at once, no error on stderr', async () => {
    const [id] = await submitJobs(batch, {command: 'while :; do echo tick; sleep 0.05; done', count: 1, name: 'chatty'})
    await waitUntil(batch, [id], (status) => status === 'RUNNING')
    const started = Date.now()
    const piped = spawnSync(
      'bash',
      ['-c', `node "${RUN}" logs --follow ${id} | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`],
      {
        cwd: home,
        encoding: 'utf8',
        env: {...cleanEnv(), ...env()},
        timeout: 20_000,
      },
    )
    const ms = Date.now() - started
    // Status changes are progress on stderr; nothing else may be there (no EPIPE, no stack).
    const others = lines(piped.stderr).filter((line) => !line.startsWith(`mfbatch: job chatty-0 ${id} `))
    expect([piped.stdout, others]).toEqual(['tick\n', ['exit=0']])
    expect(ms).toBeLessThan(10_000)
    await runCli(['kill', id], {cwd: home, env: env()})
  })
})
