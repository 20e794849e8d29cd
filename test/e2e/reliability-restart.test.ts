/**
 * Reliability 3b, an emulator that goes away: `submit --follow` keeps going while the endpoint refuses connections
 * for a few seconds and comes back on the same port with the same state, and its output is complete. The job waits
 * in the queue behind another one when the emulator stops; the restart ends that one (its host is gone) and ours
 * then runs and prints all its lines.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {mkdtempSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {pause, Running, within} from '../helpers/running'
import {batchClient, submitJobs} from './jobs-fixture'

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
let batch: BatchClient | undefined

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-restart-'))
})

afterAll(async () => {
  await follow?.stop()
  batch?.destroy()
  await Promise.all(started.map((e) => e.stop()))
  for (const dir of new Set(started.map((e) => e.stateDir))) removeStateDir(dir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('an emulator restart in the middle of submit --follow', () => {
  test('connection refused for a few seconds is ridden out; every line is printed once, exit 0', async () => {
    const first = await startEmulator({args: ['--vcpus', '1']})
    started.push(first)
    batch = batchClient(first)
    // One vCPU, taken by a long job: ours waits in the queue.
    await submitJobs(batch, {command: 'sleep 600', count: 1, name: 'blocker'})
    batch.destroy()
    batch = undefined
    follow = new Running(
      ['submit', '--queue', 'local', '--follow', '--verbose', '--', 'sh', '-c', 'seq 1 3000; sleep 1; seq 3001 6000'],
      {cwd: home, env: {...first.env, HOME: home}},
    )
    const [, id] = await follow.waitFor(/status (\S+)\n/)
    await follow.waitFor(/ RUNNABLE/)

    const down = Date.now()
    await first.stop()
    expect(await answers(first.url)).toBe(false)
    // Longer than the follower's quietest cadence (a DescribeJobs every 4 s): calls are made while nothing answers.
    await pause(6000)
    expect(await answers(first.url)).toBe(false)
    const second = await startEmulator({args: ['--vcpus', '1'], port: first.port, stateDir: first.stateDir})
    started.push(second)
    const outageSeconds = Math.round((Date.now() - down) / 1000)

    const ended = await within(follow.done, 90_000)
    expect(ended?.code).toBe(0)
    expect(follow.stdout === numbered(1, 6000)).toBe(true)
    // --verbose shows how the outage was ridden out: calls the SDK retried until the emulator answered (their
    // duration spans the outage), or loop retries ("trying again") once the SDK gave up.
    const retries = follow.stderr.split('\n').filter((line) => line.includes('trying again'))
    const longest = Math.max(0, ...[...follow.stderr.matchAll(/^aws \w+\(.*\) ok (\d+)ms$/gm)].map((m) => Number(m[1])))
    expect(retries.length > 0 || longest >= 2000).toBe(true)
    const changes = follow.stderr.split('\n').filter((line) => line.startsWith('mfbatch: job '))
    expect(changes.at(-1)).toMatch(
      new RegExp(`^mfbatch: job \\S+ ${id} SUCCEEDED: Essential container in task exited$`),
    )
    printFigures('restart during submit --follow', {
      lines: 6000,
      longestCallMs: longest,
      loopRetries: retries.length,
      outageSeconds,
    })
  }, 150_000)
})
