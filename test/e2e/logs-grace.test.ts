/**
 * `logs --follow` and `submit --follow` read a finished job's stream until it has been quiet for the grace period:
 * CloudWatch can make a job's last lines readable seconds after the job is seen finished. The emulator here makes
 * every line readable LATE_MS after it is written (MFBATCH_EMULATOR_LOG_DELAY_MS, an emulator-only knob), so a
 * job is SUCCEEDED well before its lines can be read. It says a stream is complete only once its late lines are in
 * (the end lands after them); test/e2e/follow-tail.test.ts has an emulator that, like CloudWatch, never says so.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const LATE_MS = 2500

let emulator: TestEmulator
let home: string

const env = (extra: Record<string, string> = {}) => ({...emulator.env, HOME: home, ...extra})
const mfbatch = (args: string[], extra?: Record<string, string>) => runCli(args, {cwd: home, env: env(extra)})
/** stderr without the status lines, which show when the job was seen in which state. */
const notes = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter(
      (line) =>
        line !== '' &&
        !/^mfbatch: job \S+ \S+ (SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING|SUCCEEDED|FAILED)/.test(line),
    )

/** Submits `sh -c script` and waits until it has ended (its lines not readable yet). */
async function finishedJob(script: string): Promise<string> {
  const result = await mfbatch(['submit', '--queue', 'local', '--wait', '--', 'sh', '-c', script])
  const id = result.stdout.trim()
  if (result.code !== 0 || !/^[\da-f-]{36}$/.test(id)) throw new Error(`submit failed: ${result.stderr}`)
  return id
}

/** Resolves once the job's log reads `text` (its delivery is done). */
async function delivered(id: string, text: string): Promise<void> {
  const until = Date.now() + 20_000
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    if ((await mfbatch(['logs', id])).stdout === text) return
    if (Date.now() > until) throw new Error(`the log of ${id} never read ${JSON.stringify(text)}`)
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, 100)
    })
  }
}

beforeAll(async () => {
  emulator = await startEmulator({env: {MFBATCH_EMULATOR_LOG_DELAY_MS: String(LATE_MS)}})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-logs-grace-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('following a finished job whose last lines come late', () => {
  test('logs --follow: lines delivered after the job ended still appear, once each', async () => {
    const id = await finishedJob('echo first; echo second')
    const result = await mfbatch(['logs', '--follow', '--grace', '4s', id])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('first\nsecond\n')
    expect(notes(result.stderr)).toEqual([])
  })

  test('--grace 0 stops at the first read after the end: the late lines are missed (what the grace is for)', async () => {
    const id = await finishedJob('echo missed')
    const result = await mfbatch(['logs', '--follow', '--grace', '0', id])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
  })

  test('submit --follow waits the grace of MFBATCH_LOGS_GRACE too, and exits with the job code', async () => {
    const result = await mfbatch(
      ['submit', '--queue', 'local', '--follow', '--', 'sh', '-c', 'echo a; echo b; exit 3'],
      {
        MFBATCH_LOGS_GRACE: '4s',
      },
    )
    expect(result.code).toBe(3)
    expect(result.stdout).toBe('a\nb\n')
  })

  test('everything delivered: the emulator says the log is complete, so the default grace is not waited', async () => {
    const id = await finishedJob('echo done')
    await delivered(id, 'done\n')
    await emulator.resetStats()
    // Unset, the variable leaves the built-in default (the test helpers set it to 0 for every other file).
    const graced = await mfbatch(['logs', '--follow', id], {MFBATCH_LOGS_GRACE: ''})
    const bare = await mfbatch(['logs', '--follow', '--grace', '0', id])
    expect(graced).toEqual(bare)
    expect(graced).toMatchObject({code: 0, stdout: 'done\n'})
    // One drain each (two calls: the page, then the same token back) that says the stream is complete; 3 s of
    // grace would read it again and again.
    expect(await emulator.stats()).toEqual({'batch:DescribeJobs': 2, 'logs:GetLogEvents': 4})
  })

  test('a --grace that is no duration: exit 125 before any call', async () => {
    await emulator.resetStats()
    const result = await mfbatch(['logs', '--follow', '--grace', 'soon', '00000000-0000-4000-8000-000000000000'])
    expect(result).toEqual({
      code: 125,
      stderr: 'mfbatch: --grace: "soon" is not allowed; use a duration such as 90s, 15m, 2h, 1h30m or 1d\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})
