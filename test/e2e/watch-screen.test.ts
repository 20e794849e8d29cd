/**
 * `status --watch` on a terminal redraws its view in place. On an 80- and a 110-column pseudo-terminal, with a
 * jobs table and the one-job detail view both wider than the terminal, the screen after every redraw must be the
 * screen of the last render alone: no header piled up, no stacked copies of the first lines.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {runOnTerminal, screenAfter} from '../helpers/terminal'
import {batchClient, submitJobs} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '8']})
  batch = batchClient(emulator)
}, 60_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

/** Each redraw starts by moving up over the previous block and clearing below (src/output/redraw.ts). */
// eslint-disable-next-line no-control-regex -- the escape sequence is what it finds
const REDRAW = /\u001B\[\d+F\u001B\[0J/

async function watched(ids: string[], columns: number) {
  const size = {columns, rows: 24}
  const run = await runOnTerminal(['status', '--watch', ...ids], {...size, env: emulator.env, timeoutMs: 60_000})
  const frames = run.output.split(REDRAW)
  return {
    code: run.code,
    frames: frames.length,
    last: screenAfter(frames.at(-1)!, size),
    output: run.output,
    screen: screenAfter(run.output, size),
  }
}

describe.each([80, 110])('status --watch on a %i-column terminal', (columns) => {
  test('a jobs table wider than the terminal: the screen is the last render, each row within the width', async () => {
    const name = `a-rather-long-job-name-for-a-narrow-terminal-${columns}`
    const ids = await submitJobs(batch, {command: 'sleep 3', count: 3, name})
    const view = await watched(ids, columns)
    expect(view.code).toBe(0)
    expect(view.frames).toBeGreaterThanOrEqual(3)
    expect(view.screen).toEqual(view.last)
    expect(view.screen).toHaveLength(1 + ids.length)
    expect(view.screen[0]).toMatch(/^ID +NAME +STATUS +EXIT/)
    for (const [i, id] of ids.entries())
      expect(view.screen[i + 1]).toMatch(new RegExp(`^${id}  a-rather-\\S*…  SUCCEEDED  0 `))
    expect(view.screen.every((row) => row.length <= columns)).toBe(true)
  }, 90_000)

  test('the one-job detail view with lines wider than the terminal: the screen is the last render', async () => {
    const [id] = await submitJobs(batch, {command: 'sleep 3', count: 1, name: `detail-${columns}`})
    const view = await watched([id], columns)
    expect(view.code).toBe(0)
    expect(view.frames).toBeGreaterThanOrEqual(3)
    expect(view.screen).toEqual(view.last)
    expect(view.screen[0]).toBe(`Job:         ${id}`)
    expect(view.screen.filter((row) => row.startsWith('Job:'))).toHaveLength(1)
    expect(view.screen.find((row) => row.startsWith('Status:'))).toBe('Status:      SUCCEEDED')
    // The attempts line (log stream name included) is wider than either terminal: cut, not wrapped.
    expect(view.screen.at(-1)).toMatch(/^Attempts: {4}#1 {2}exit 0 .*…$/)
    expect(view.screen.every((row) => row.length <= columns)).toBe(true)
  }, 90_000)
})
