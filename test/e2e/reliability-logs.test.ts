/**
 * Reliability 2, no lost or doubled log line. `logs` and `logs --follow` through an emulator that throttles above
 * 3 requests a second and fails a fifth of them with a 500 must print, byte for byte, the lines the job wrote: for a
 * finished job of 20,000 lines and for a job still writing its 20,000 lines in bursts while it is followed. What
 * the job wrote is the script's own output, run here; a read without faults (the same state dir, an emulator
 * without faults) must print the very same bytes as the faulty reads.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'

const LINES = 20_000
const FAULTS = ['--throttle-rps', '3', '--fault-5xx', '0.2', '--seed', '7']

/**
 * A job's output: numbered lines with what tends to break log pipelines (multi-byte characters, tabs, quotes and
 * backslashes, trailing spaces, long lines), some of them on stderr. `burst` writes 1,000 lines every 400 ms.
 */
const JOB_SCRIPT = `
const line = (i) =>
  i % 1000 === 0 ? 'long ' + i + ' ' + 'x'.repeat(5000) + '\\n'
  : i % 7 === 0 ? 'line ' + i + '\\tünïcødé ✓ 日本語 "quoted" \\\\back\\\\slash  \\n'
  : 'line ' + i + '\\n'
const out = (i) => (i % 97 === 0 ? process.stderr : process.stdout).write(line(i))
if (process.argv[2] === 'burst') {
  let i = 1
  const timer = setInterval(() => {
    for (let k = 0; k < 1000 && i <= ${LINES}; k++) out(i++)
    if (i > ${LINES}) clearInterval(timer)
  }, 400)
} else {
  for (let i = 1; i <= ${LINES}; i++) out(i)
}
`

let home: string
let stateDir: string
let script: string
const started: TestEmulator[] = []

async function start(args: string[]): Promise<TestEmulator> {
  const emulator = await startEmulator({args: ['--vcpus', '2', ...args], stateDir})
  started.push(emulator)
  stateDir = emulator.stateDir
  return emulator
}

const mfbatch = (emulator: TestEmulator, args: string[], timeoutMs = 90_000) =>
  runCli(args, {cwd: home, env: {...emulator.env, HOME: home}, timeoutMs})

/** '' when both texts are the same bytes; else where they first differ, for the failure message. */
function difference(actual: string, expected: string): string {
  if (actual === expected) return ''
  const a = actual.split('\n')
  const e = expected.split('\n')
  const at = a.findIndex((line, i) => line !== e[i])
  const line = at === -1 ? Math.min(a.length, e.length) : at
  return `${a.length - 1} lines instead of ${e.length - 1}; first difference at line ${line + 1}: ${JSON.stringify(
    a[line]?.slice(0, 80),
  )} instead of ${JSON.stringify(e[line]?.slice(0, 80))}`
}

/** What the job writes, each stream on its own: the script run here, without the emulator. */
let written: {stderr: string[]; stdout: string[]}

/** The job writes line i on stderr when i is a multiple of 97 (JOB_SCRIPT). */
const writtenOnStderr = (line: string) => Number(/^(?:line|long) (\d+)(?:[\t ]|$)/.exec(line)?.[1] ?? 1) % 97 === 0
const text = (lines: string[]) => (lines.length > 0 ? `${lines.join('\n')}\n` : '')
const linesOf = (output: string) => output.split('\n').slice(0, -1)

/**
 * '' when a log holds exactly the lines the job wrote: each stream's lines in the order it wrote them, byte for
 * byte, none lost or doubled. The two streams are separate pipes, so how they interleave is the emulator's to
 * choose; within each the order is the job's. Else what differs, for the failure message.
 */
function differenceFromJob(log: string): string {
  if (!log.endsWith('\n')) return 'the log does not end with a newline'
  const lines = linesOf(log)
  const out = difference(text(lines.filter((line) => !writtenOnStderr(line))), text(written.stdout))
  const err = difference(text(lines.filter((line) => writtenOnStderr(line))), text(written.stderr))
  return out || err ? `stdout: ${out || 'same'}; stderr: ${err || 'same'}` : ''
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-lines-'))
  script = join(home, 'job.js')
  writeFileSync(script, JOB_SCRIPT)
  const run = spawnSync(process.execPath, [script], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  written = {stderr: linesOf(run.stderr), stdout: linesOf(run.stdout)}
  expect(written.stdout.length + written.stderr.length).toBe(LINES)
})

afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()))
  if (stateDir) removeStateDir(stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('no lost or doubled log line under throttling and 5xx', () => {
  test('a finished 20,000-line job: logs and logs --follow print the lines the job wrote', async () => {
    const clean = await start([])
    const submitted = await mfbatch(clean, ['submit', '--queue', 'local', '--wait', '--', process.execPath, script])
    expect(submitted.code).toBe(0)
    const id = submitted.stdout.trim()
    const reference = await mfbatch(clean, ['logs', id])
    expect([reference.code, differenceFromJob(reference.stdout)]).toEqual([0, ''])
    await clean.stop()

    // Each read meets different faults: three of each kind, one after another.
    const faulty = await start(FAULTS)
    const reads = []
    for (const args of [[], ['--follow'], [], ['--follow'], [], ['--follow']]) {
      // eslint-disable-next-line no-await-in-loop -- one reader at a time, as a user would
      const result = await mfbatch(faulty, ['logs', ...args, id])
      // The lines the job wrote, and the same bytes in the same order as the read without faults.
      reads.push(
        [args.join(' ') || 'once', result.code, differenceFromJob(result.stdout)],
        ['as without faults', 0, difference(result.stdout, reference.stdout)],
      )
    }

    const faults = await faulty.faults()
    const calls = await faulty.stats()
    await faulty.stop()
    expect(reads).toEqual(reads.map(([kind]) => [kind, 0, '']))
    expect(faults.fault5xx + faults.throttled).toBeGreaterThan(0)
    printFigures('logs of a finished job', {
      bytes: reference.stdout.length,
      fault5xx: faults.fault5xx,
      getLogEvents: calls['logs:GetLogEvents'],
      lines: LINES,
      reads: reads.length / 2,
      throttled: faults.throttled,
    })
  }, 120_000)

  test('a job still writing, followed from its start: the lines the job wrote', async () => {
    const faulty = await start(FAULTS)
    const submitted = await mfbatch(faulty, [
      'submit',
      '--queue',
      'local',
      '--quiet',
      '--',
      process.execPath,
      script,
      'burst',
    ])
    expect(submitted.code).toBe(0)
    const id = submitted.stdout.trim()
    const followStarted = Date.now()
    const followed = await mfbatch(faulty, ['logs', '--follow', id])
    const seconds = Math.round((Date.now() - followStarted) / 1000)
    const faults = await faulty.faults()
    const calls = await faulty.stats()
    await faulty.stop()

    const clean = await start([])
    const reference = await mfbatch(clean, ['logs', id])
    await clean.stop()
    expect([followed.code, differenceFromJob(followed.stdout)]).toEqual([0, ''])
    expect(difference(followed.stdout, reference.stdout)).toBe('')
    expect(followed.stderr).toMatch(/ SUCCEEDED: Essential container in task exited\n$/)
    expect(faults.fault5xx + faults.throttled).toBeGreaterThan(0)
    printFigures('logs --follow of a job still writing', {
      describeJobs: calls['batch:DescribeJobs'],
      fault5xx: faults.fault5xx,
      getLogEvents: calls['logs:GetLogEvents'],
      lines: LINES,
      seconds,
      throttled: faults.throttled,
    })
  }, 120_000)
})
