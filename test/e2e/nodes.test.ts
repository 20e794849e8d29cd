/**
 * Multi-node parallel jobs end to end: the built CLI against an emulator (4 vCPUs) whose nodes are real local
 * processes. A 3-node job's main node opens MASTER_ADDR:MASTER_PORT (a free port, passed as --main-port) and its
 * children connect and send their NODE_RANK, so the rendezvous variables are proven by a real connection.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, ROOT, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const PROGRAM = join(ROOT, 'test/e2e/fixtures/rendezvous.py')
const mfbatch = (args: string[], timeoutMs = 60_000) =>
  runCli(args, {cwd: home, env: {...emulator.env, HOME: home}, timeoutMs})

/** A TCP port nothing listens on now (bound on 127.0.0.1, then released). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => done(port))
    })
  })
}

const describeJob = async (id: string): Promise<Record<string, unknown>> => {
  const result = await mfbatch(['status', id, '--json'])
  expect(result.code).toBe(0)
  const parsed = JSON.parse(result.stdout) as unknown
  const jobs = (Array.isArray(parsed) ? parsed : ((parsed as {jobs?: unknown[]}).jobs ?? [parsed])) as Array<
    Record<string, unknown>
  >
  return jobs.find((job) => job.jobId === id) ?? jobs[0]
}

/** Polls `status` until `ok` holds (the emulator moves jobs on a tick): no fixed sleeps. */
async function until(id: string, ok: (job: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const job = await describeJob(id)
    if (ok(job)) return job
    if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(job)}`)
  }
}

/* eslint-disable mocha/no-top-level-hooks */
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-nodes-'))
  emulator = await startEmulator({args: ['--vcpus', '4']})
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
})
/* eslint-enable mocha/no-top-level-hooks */

describe('submit --nodes 3 on the emulator', () => {
  test('the children reach the main node at MASTER_ADDR:MASTER_PORT with their rank; --follow exits 0', async () => {
    const port = await freePort()
    const result = await mfbatch(
      ['submit', '--queue', 'local', '--nodes', '3', '--main-port', String(port), '--follow', '--', 'python3', PROGRAM],
      90_000,
    )
    expect(result.stdout).toBe('main got ranks 1 2\n')
    expect(result.code).toBe(0)
    const id = /job \S+ ([\da-f-]{36}) /.exec(result.stderr)![1]
    const node2 = await describeJob(`${id}#2`)
    expect(node2).toMatchObject({jobId: `${id}#2`, node: {index: 2, isMainNode: false, numNodes: null}})
    const parent = await describeJob(id)
    expect(parent).toMatchObject({exitCode: 0, node: {index: null, isMainNode: null, numNodes: 3}, status: 'SUCCEEDED'})
    const main = await mfbatch(['logs', id])
    expect(main).toEqual({code: 0, stderr: '', stdout: 'main got ranks 1 2\n'})
    const log = await mfbatch(['logs', `${id}#2`])
    expect(log).toEqual({code: 0, stderr: '', stdout: 'node 2 sent its rank to 127.0.0.1\n'})
  })

  test('a main node exiting 4 makes --wait exit 4 and stops the children', async () => {
    const port = await freePort()
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--nodes',
      '3',
      '--main-port',
      String(port),
      '--env',
      'MAIN_EXIT=4',
      '--env',
      'CHILD_LINGER=1',
      '--wait',
      '--',
      'python3',
      PROGRAM,
    ])
    expect(result.code).toBe(4)
    const id = /^([\da-f-]{36})$/m.exec(result.stdout)![1]
    for (const node of [1, 2]) {
      // eslint-disable-next-line no-await-in-loop
      const child = await until(`${id}#${node}`, (job) => job.status === 'FAILED')
      expect(child.statusReason).toBe('Main node exited; the job has ended (emulator wording)')
    }
  })

  test('kill of a running 3-node job ends every node', async () => {
    const port = await freePort()
    const submitted = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--nodes',
      '3',
      '--main-port',
      String(port),
      '--',
      'sleep',
      '300',
    ])
    const id = submitted.stdout.trim()
    await until(`${id}#2`, (job) => job.status === 'RUNNING')
    const killed = await mfbatch(['kill', id])
    expect(killed.code).toBe(0)
    for (const node of ['', '#0', '#1', '#2']) {
      // eslint-disable-next-line no-await-in-loop
      await until(`${id}${node}`, (job) => job.status === 'FAILED')
    }
  })

  test('a job needing more vCPUs than the compute environment has across its nodes stays RUNNABLE, diagnosed', async () => {
    const submitted = await mfbatch(['submit', '--queue', 'local', '--nodes', '3', '--cpu', '2', '--', 'true'])
    const id = submitted.stdout.trim()
    const main = await until(`${id}#0`, (job) => typeof job.statusReason === 'string')
    expect(main).toMatchObject({status: 'RUNNABLE'})
    expect(main.statusReason).toMatch(/^MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/)
    await mfbatch(['kill', id])
  })
})
