/**
 * Reliability 3b, an emulator that goes away in the middle of a stream: `submit --follow` has printed part of a
 * job's log when the endpoint starts refusing connections; it comes back some seconds later on the same port with
 * the same state, and the follower goes on from where it was: every line printed once, in order, exit 0. The
 * emulator answers slowly (--latency) until the restart, so the log takes several pages and seconds to read and
 * the outage falls between its first lines and its last.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {pause, Running, within} from '../helpers/running'

/** Four pages of GetLogEvents (10,000 events each) and a bit. */
const LINES = 42_000

const numbered = (from: number, to: number): string =>
  Array.from({length: to - from + 1}, (_, i) => `${from + i}\n`).join('')

/** Whether anything answers on the URL (false while the emulator is down: connection refused). */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    request(`${url}/__emulator/health`, {agent: false}, (res) => {
      res.resume()
      resolve(true)
    })
      .on('error', () => resolve(false))
      .end()
  })
}

let home: string
const started: TestEmulator[] = []
let follow: Running | undefined

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-restart-'))
})

afterAll(async () => {
  await follow?.stop()
  await Promise.all(started.map((e) => e.stop()))
  for (const dir of new Set(started.map((e) => e.stateDir))) removeStateDir(dir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('an emulator restart in the middle of submit --follow', () => {
  test('lines printed before the outage are not printed again, the rest come after it, exit 0', async () => {
    // A second per answer: the follower reads one page of the log at a time, seconds apart.
    const first = await startEmulator({args: ['--latency', '1000']})
    started.push(first)
    follow = new Running(['submit', '--queue', 'local', '--follow', '--verbose', '--', 'seq', '1', String(LINES)], {
      cwd: home,
      env: {...first.env, HOME: home},
    })
    const [, id] = await follow.waitFor(/status (\S+)\n/)
    // The first lines are out: the stream is being read.
    await follow.waitFor(/^1\n/, {ms: 60_000, stream: 'stdout'})
    const down = Date.now()
    await first.stop()
    const printedBeforeOutage = follow.stdout.split('\n').length - 1
    expect(await answers(first.url)).toBe(false)
    // Longer than the follower's quietest cadence (a call every 4 s): calls are made while nothing answers.
    await pause(6000)
    expect(await answers(first.url)).toBe(false)
    const second = await startEmulator({port: first.port, stateDir: first.stateDir})
    started.push(second)
    const outageSeconds = Math.round((Date.now() - down) / 1000)

    const ended = await within(follow.done, 90_000)
    expect(ended?.code).toBe(0)
    // Mid-stream: some lines before the outage, not all of them.
    expect(printedBeforeOutage).toBeGreaterThan(0)
    expect(printedBeforeOutage).toBeLessThan(LINES)
    expect(follow.stdout === numbered(1, LINES)).toBe(true)
    // --verbose shows how the outage was ridden out: calls the SDK retried until the emulator answered (their
    // duration spans the outage), or loop retries ("trying again") once the SDK gave up.
    const retries = follow.stderr.split('\n').filter((line) => line.includes('trying again'))
    const longest = Math.max(0, ...[...follow.stderr.matchAll(/^aws \w+\(.*\) ok (\d+)ms$/gm)].map((m) => Number(m[1])))
    // On a miss, the whole of --verbose's stderr is the failure's message.
    expect(retries.length > 0 || longest >= 2000 ? 'ridden out' : follow.stderr).toBe('ridden out')
    const changes = follow.stderr.split('\n').filter((line) => line.startsWith('mfbatch: job '))
    expect(changes.at(-1)).toMatch(
      new RegExp(`^mfbatch: job \\S+ ${id} SUCCEEDED: Essential container in task exited$`),
    )
    printFigures('restart during submit --follow', {
      lines: LINES,
      longestCallMs: longest,
      loopRetries: retries.length,
      outageSeconds,
      printedBeforeOutage,
    })
  }, 150_000)
})
