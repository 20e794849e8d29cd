/**
 * Multi-node parallel jobs end to end: the built CLI against an emulator (4 vCPUs) whose nodes are real local
 * processes. A 3-node job's main node opens MASTER_ADDR:MASTER_PORT (a free port, passed as --main-port) and its
 * children connect and send their NODE_RANK, so the rendezvous variables are proven by a real connection.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stripAnsi} from '../../src/output/color'
import {cleanEnv, removeStateDir, ROOT, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let emulator: TestEmulator
let home: string
/** The 3-node job of the first test, finished: main exit 0, each child sent its rank. */
let finished = ''

const PROGRAM = join(ROOT, 'test/e2e/fixtures/rendezvous.py')
const mfbatch = (args: string[], timeoutMs = 60_000) =>
  runCli(args, {cwd: home, env: {...emulator.env, HOME: home}, timeoutMs})

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

/** The CLI on a terminal: util-linux `script` gives it a pty (200 columns, 60 rows); its exit code and output. */
function onTerminal(args: string[]): Promise<{code: null | number; output: string}> {
  const quoted = [process.execPath, RUN, ...args].map((word) => `'${word}'`).join(' ')
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qec', `stty rows 60 cols 200; exec ${quoted}`, '/dev/null'], {
      cwd: home,
      env: {...cleanEnv(), ...emulator.env, HOME: home},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({code, output})
    })
  })
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-nodes-'))
  emulator = await startEmulator({args: ['--vcpus', '4']})
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
})

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
    finished = id
    const node2 = await describeJob(`${id}#2`)
    expect(node2).toMatchObject({jobId: `${id}#2`, node: {index: 2, isMainNode: false, numNodes: null}})
    const parent = await describeJob(id)
    expect(parent).toMatchObject({exitCode: 0, node: {index: null, isMainNode: null, numNodes: 3}, status: 'SUCCEEDED'})
    const main = await mfbatch(['logs', id])
    expect(main).toEqual({code: 0, stderr: '', stdout: 'main got ranks 1 2\n'})
    const log = await mfbatch(['logs', `${id}#2`])
    expect(log).toEqual({code: 0, stderr: '', stdout: 'node 2 sent its rank to 127.0.0.1\n'})
  })

  test('logs --all-nodes --follow of a running job prints every node once and exits with the main node', async () => {
    const port = await freePort()
    const env = ['--env', 'MAIN_EXIT=3', '--env', 'CHILD_LINGER=1']
    const args = ['--queue', 'local', '--nodes', '3', '--main-port', String(port), ...env, '--', 'python3', PROGRAM]
    const submitted = await mfbatch(['submit', ...args])
    const id = submitted.stdout.trim()
    const [followed, waited] = await Promise.all([
      mfbatch(['logs', id, '--all-nodes', '--follow'], 90_000),
      mfbatch(['status', id, '--wait'], 90_000),
    ])
    expect(followed.stdout.split('\n').sort()).toEqual(['', ...RANK_LINES])
    expect(followed.code).toBe(3)
    expect(waited.code).toBe(3)
  })

  test('status --watch on a terminal redraws the job with its node table until it ends', async () => {
    const port = await freePort()
    const args = ['--queue', 'local', '--nodes', '3', '--main-port', String(port), '--', 'python3', PROGRAM]
    const id = (await mfbatch(['submit', ...args])).stdout.trim()
    const watched = await onTerminal(['status', id, '--watch'])
    expect(watched.code).toBe(0)
    // The last redraw: after the last "clear to the end of the screen".
    const last = stripAnsi(watched.output.split('\u001B[0J').at(-1)!).replaceAll('\r', '')
    expect(last).toMatch(/^Status: +SUCCEEDED$/m)
    expect(last).toMatch(/^Nodes: +3$/m)
    expect(last).toMatch(/^Each node:\n {2}NODE +ROLE +STATUS +EXIT +REASON +DURATION$/m)
    for (const [n, role] of [
      [0, 'main'],
      [1, 'child'],
      [2, 'child'],
    ]) {
      expect(last).toMatch(new RegExp(`^  ${id}#${n} +${role} +(SUCCEEDED|FAILED) `, 'm'))
    }
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
    // The diagnosis of status --wait judges the nodes together: 3 x 2 vCPUs against the 4 the emulator offers.
    const waited = await runCli(['status', id, '--wait', '--wait-timeout', '3s'], {
      cwd: home,
      env: {...emulator.env, HOME: home, MFBATCH_RUNNABLE_DIAGNOSIS_AFTER: '1s'},
    })
    expect(waited.code).toBe(124)
    expect(waited.stderr).toContain(
      "mfbatch:   - the job's 3 nodes, needed all at once, ask for 6 vCPUs; the most any compute environment of " +
        'queue local offers is 4 (local-ec2 4)\n',
    )
    expect(waited.stderr).toContain('mfbatch:   - AWS Batch says: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT')
    await mfbatch(['kill', id])
  })
})

const RANK_LINES = [
  '[0] main got ranks 1 2',
  '[1] node 1 sent its rank to 127.0.0.1',
  '[2] node 2 sent its rank to 127.0.0.1',
]

describe('seeing a finished 3-node job', () => {
  test('logs --all-nodes: every node once, each line prefixed with its node index, in time order', async () => {
    const text = await mfbatch(['logs', finished, '--all-nodes'])
    expect(text.code).toBe(0)
    expect(text.stderr).toBe('')
    expect(text.stdout.split('\n').sort()).toEqual(['', ...RANK_LINES])
    const json = await mfbatch(['logs', finished, '--all-nodes', '--json'])
    expect(json.code).toBe(0)
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as {message: string; node: number; stream: string; timestamp: number})
    expect(events.map((e) => `[${e.node}] ${e.message}`)).toEqual(text.stdout.trim().split('\n'))
    expect(events.map((e) => e.timestamp)).toEqual(events.map((e) => e.timestamp).sort((a, b) => a - b))
    expect(new Set(events.map((e) => e.stream)).size).toBe(3)
    expect(Object.keys(events[0])).toEqual(['timestamp', 'message', 'stream', 'node'])
    const last = await mfbatch(['logs', finished, '--all-nodes', '--tail', '1', '--timestamps'])
    const newest = events.at(-1)!
    expect(last).toEqual({
      code: 0,
      stderr: '',
      stdout: `${new Date(newest.timestamp).toISOString()} [${newest.node}] ${newest.message}\n`,
    })
    const followed = await mfbatch(['logs', finished, '--all-nodes', '--follow'])
    // --follow reports the job's state on stderr, as for any job.
    expect(followed).toEqual({
      code: 0,
      stderr: `mfbatch: job mfbatch-python3-rendezvous_py ${finished} SUCCEEDED: Essential container in task exited\n`,
      stdout: text.stdout,
    })
  })

  test('logs --all-nodes is refused on a node id and on a single-node job, naming the flag', async () => {
    const node = await mfbatch(['logs', `${finished}#2`, '--all-nodes'])
    expect(node).toEqual({
      code: 2,
      stderr: `mfbatch: --all-nodes: ${finished}#2 is one job of its own; give the parent, ${finished}, to read every node\n`,
      stdout: '',
    })
    const single = (await mfbatch(['submit', '--queue', 'local', '--wait', '--', 'true'])).stdout.trim()
    const refused = await mfbatch(['logs', single, '--all-nodes', '--follow'])
    expect(refused.code).toBe(125)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.trim().split('\n').at(-1)).toBe(
      `mfbatch: --all-nodes: job ${single} is not a multi-node parallel job; drop --all-nodes to read its log`,
    )
  })

  test('status JOB shows the parent, then one row per node; JOB#N one node; --json has the nodes', async () => {
    const view = await mfbatch(['status', finished])
    expect(view.code).toBe(0)
    const lines = view.stdout.trim().split('\n')
    expect(lines).toContain(`Job\t${finished}`)
    expect(lines).toContain('Nodes\t3')
    const rows = lines.filter((line) => line.startsWith('Node\t')).map((line) => line.split('\t'))
    expect(rows.map((row) => row.slice(1, 3))).toEqual([
      [`${finished}#0`, 'main'],
      [`${finished}#1`, 'child'],
      [`${finished}#2`, 'child'],
    ])
    expect(rows[0].slice(3, 5)).toEqual(['SUCCEEDED', '0'])
    for (const row of rows) expect(row).toHaveLength(7)
    const node = await mfbatch(['status', `${finished}#2`])
    expect(node.code).toBe(0)
    expect(node.stdout.split('\n')).toContain('Node\t2 (child)')
    expect(node.stdout).not.toMatch(/^Node\t\S+#/m)
    const json = await mfbatch(['status', finished, '--json'])
    const [parent] = (JSON.parse(json.stdout) as {jobs: Array<Record<string, unknown>>}).jobs
    const nodes = parent.nodes as Array<{jobId: string; node: {index: number; isMainNode: boolean}; status: string}>
    expect(nodes.map((n) => [n.jobId, n.node.index, n.node.isMainNode])).toEqual([
      [`${finished}#0`, 0, true],
      [`${finished}#1`, 1, false],
      [`${finished}#2`, 2, false],
    ])
    expect(nodes[0].status).toBe('SUCCEEDED')
    const table = await mfbatch(['status', finished, `${finished}#1`])
    expect(table.stdout.split('\n').map((line) => line.split('\t')[0])).toEqual([
      finished,
      `${finished}#0`,
      `${finished}#1`,
      `${finished}#2`,
      `${finished}#1`,
      '',
    ])
  })
})
