import type {JobDetail} from '@aws-sdk/client-batch'

import type {LogEvent} from '../../../../src/batch/logs/reader'

import {checkAllNodesTarget, NODE_WATCH_HOOKS, readAllNodeLogs} from '../../../../src/batch/nodes/all-logs'
import {JobWatcher} from '../../../../src/batch/watch/job-watcher'
import {InputError} from '../../../../src/errors'
import {FakeClock, FakeLogs, job, T0, withAttempts} from '../logs/logs-fakes'

const G = '/aws/batch/job'
const P = 'p'

/** A 3-node parent: RUNNING until `endsAt` ms, then FAILED with the main node's exit code 3. */
function parent(ms: number, endsAt: number): JobDetail {
  const fields = {id: P, nodeProperties: {mainNode: 0, nodeRangeProperties: [], numNodes: 3}}
  return ms < endsAt
    ? job({...fields, status: 'RUNNING'})
    : job({...fields, attempts: [{container: {exitCode: 3, logStreamName: 's0'}}], status: 'FAILED'})
}

/** Node N writes stream sN; it runs until the parent ends. */
function node(id: string, ms: number, endsAt: number): JobDetail {
  const index = Number(id.split('#')[1])
  return withAttempts(ms < endsAt ? 'RUNNING' : 'FAILED', [`s${index}`], {
    jobId: id,
    nodeDetails: {isMainNode: index === 0, nodeIndex: index},
  })
}

/** `childrenFrom`: DescribeJobs knows the children only from this ms on. */
function scenario(endsAt: number, world: (ms: number, logs: FakeLogs) => void = () => {}, childrenFrom = 0) {
  const clock = new FakeClock()
  const logs = new FakeLogs()
  const watcher = new JobWatcher([P], {clock, describe: async () => [parent(clock.now() - T0, endsAt)]})
  const watchNodes = (ids: readonly string[]) =>
    new JobWatcher(ids, {
      clock,
      describe: async () =>
        ids
          .filter((id) => id.endsWith('#0') || clock.now() - T0 >= childrenFrom)
          .map((id) => node(id, clock.now() - T0, endsAt)),
      ...NODE_WATCH_HOOKS,
    })
  clock.onSleep = (now) => world(now - T0, logs)
  world(0, logs)
  const rounds: LogEvent[][] = []
  const run = (request: {follow?: boolean; tail?: number} = {}) =>
    readAllNodeLogs({jobId: P, ...request}, {clock, logs, watcher, watchNodes}, (events) => {
      rounds.push(events)
    })
  const lines = () => rounds.flat().map((e) => `[${e.node}] ${e.message}`)
  return {lines, logs, rounds, run}
}

describe('logs --all-nodes', () => {
  test('a read interleaves every node by timestamp, ties in node order, each tagged with its node', async () => {
    const s = scenario(0, (ms, logs) => {
      if (ms > 0) return
      logs.append(G, 's0', ['main a'], T0 + 10)
      logs.append(G, 's0', ['main b'], T0 + 30)
      logs.append(G, 's1', ['one a'], T0 + 20)
      logs.append(G, 's2', ['two a'], T0 + 10)
      logs.append(G, 's2', ['two b'], T0 + 40)
    })
    const outcome = await s.run()
    expect(outcome).toMatchObject({end: 'read', exitCode: 0})
    expect(s.lines()).toEqual(['[0] main a', '[2] two a', '[1] one a', '[0] main b', '[2] two b'])
    expect(s.rounds).toHaveLength(1)
  })

  test('--tail N keeps the last N lines of all the nodes together', async () => {
    const s = scenario(0, (ms, logs) => {
      if (ms > 0) return
      logs.append(G, 's0', ['m1', 'm2', 'm3'], T0 + 1)
      logs.append(G, 's1', ['c1', 'c2'], T0 + 5)
      logs.append(G, 's2', ['d1'], T0 + 3)
    })
    await s.run({tail: 3})
    expect(s.lines()).toEqual(['[2] d1', '[1] c1', '[1] c2'])
  })

  test('--tail N --follow: a node that starts later is printed from its first line', async () => {
    let children = false
    const s = scenario(
      5000,
      (ms, logs) => {
        if (ms === 0) logs.append(G, 's0', ['m1', 'm2', 'm3'], T0)
        if (ms >= 2000 && !children) {
          children = true
          logs.append(G, 's1', ['c1', 'c2', 'c3'], T0 + ms)
          logs.append(G, 's2', ['d1', 'd2', 'd3'], T0 + ms)
        }
      },
      2000,
    )
    await s.run({follow: true, tail: 1})
    expect(s.lines()).toEqual(['[0] m3', '[1] c1', '[1] c2', '[1] c3', '[2] d1', '[2] d2', '[2] d3'])
  })

  test('following: every line once, a late line later, never dropped; ends with the main node code', async () => {
    let step = 0
    const s = scenario(6000, (ms, logs) => {
      // A line a node a second, node 1's line of 2 s written only after node 2's line of 3 s was printed.
      for (; step * 1000 <= ms && step < 6; step++) {
        logs.append(G, 's0', [`main ${step}`], T0 + step * 1000)
        if (step !== 2) logs.append(G, 's2', [`two ${step}`], T0 + step * 1000 + 1)
        if (step === 4) logs.append(G, 's1', ['one late'], T0 + 2000)
      }
    })
    const outcome = await s.run({follow: true})
    expect(outcome).toMatchObject({end: 'finished', exitCode: 3})
    const lines = s.lines()
    expect([...lines].sort()).toEqual(
      [
        ...Array.from({length: 6}, (_, i) => `[0] main ${i}`),
        ...[0, 1, 3, 4, 5].map((i) => `[2] two ${i}`),
        '[1] one late',
      ].sort(),
    )
    expect(lines.indexOf('[1] one late')).toBeGreaterThan(lines.indexOf('[2] two 3'))
    for (const round of s.rounds) {
      expect(round.map((e) => e.timestamp)).toEqual(round.map((e) => e.timestamp).sort((a, b) => a - b))
    }
  })

  test('following: nodes AWS does not describe yet are waited for, not an error', async () => {
    const s = scenario(
      5000,
      (ms, logs) => {
        if (ms === 0) for (const n of [0, 1, 2]) logs.append(G, `s${n}`, [`node ${n}`], T0 + n)
      },
      2000,
    )
    const outcome = await s.run({follow: true})
    expect(outcome).toMatchObject({end: 'finished', exitCode: 3})
    expect(s.lines()).toEqual(['[0] node 0', '[1] node 1', '[2] node 2'])
    expect(s.rounds[0]).toHaveLength(1)
  })

  test('a job that is not a multi-node parent is refused, naming the flag', async () => {
    const clock = new FakeClock()
    const watcher = new JobWatcher([P], {clock, describe: async () => [job({id: P, status: 'RUNNING'})]})
    const reading = readAllNodeLogs(
      {jobId: P},
      {clock, logs: new FakeLogs(), watcher, watchNodes: () => watcher},
      () => {},
    )
    await expect(reading).rejects.toThrow(
      new InputError('--all-nodes: job p is not a multi-node parallel job; drop --all-nodes to read its log'),
    )
  })

  test('a node or array child id is refused before any call', () => {
    const id = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'
    expect(() => checkAllNodesTarget(`${id}#2`)).toThrow(
      `--all-nodes: ${id}#2 is one job of its own; give the parent, ${id}, to read every node`,
    )
    expect(() => checkAllNodesTarget(`${id}:2`)).toThrow(InputError)
    expect(() => checkAllNodesTarget(id)).not.toThrow()
  })
})
