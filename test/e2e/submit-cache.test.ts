/**
 * The submit cache end to end: the built CLI against an emulator, with MFBATCH_CACHE_DIR in a temporary folder. The
 * second submit like the first makes one call; MFBATCH_NO_CACHE=1 makes all four every time; and a cache made
 * against an emulator that is then replaced by a fresh one (same port, empty state dir) still submits correctly.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\n$/
const LONG_WAY = {
  'batch:DescribeComputeEnvironments': 1,
  'batch:DescribeJobDefinitions': 1,
  'batch:DescribeJobQueues': 1,
  'batch:SubmitJob': 1,
}

let emulator: TestEmulator
let work: string

const submit = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['submit', '--queue', 'local', ...args], {
    cwd: work,
    env: {...emulator.env, HOME: work, MFBATCH_CACHE_DIR: join(work, 'cache'), ...extra},
  })

/** Calls per operation made by `run`, counted by the emulator listening on the test emulator's port. */
async function callsOf(run: () => Promise<unknown>): Promise<Record<string, number>> {
  await emulator.resetStats()
  await run()
  return emulator.stats()
}

describe('submit with the cache', () => {
  beforeEach(async () => {
    emulator = await startEmulator()
    work = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-cache-'))
  })

  afterEach(async () => {
    await emulator.stop()
    removeStateDir(emulator.stateDir)
    rmSync(work, {force: true, recursive: true})
  })

  test('the second submit to a known queue with the same definition is one call, SubmitJob', async () => {
    const first = await callsOf(async () => expect((await submit(['--', 'echo', 'one'])).stdout).toMatch(ID))
    expect(first).toEqual({...LONG_WAY, 'batch:RegisterJobDefinition': 1})
    // Another command, same definition (the command travels with the job, not in the definition).
    const second = await callsOf(async () => expect((await submit(['--', 'echo', 'two'])).stdout).toMatch(ID))
    expect(second).toEqual({'batch:SubmitJob': 1})
    // Another definition (another image) on the same queue: the queue is still known.
    const third = await callsOf(() => submit(['--image', 'other', '--', 'true']))
    expect(third).toEqual({'batch:DescribeJobDefinitions': 1, 'batch:RegisterJobDefinition': 1, 'batch:SubmitJob': 1})
  })

  test('MFBATCH_NO_CACHE=1: the long way every time', async () => {
    await submit(['--', 'true'], {MFBATCH_NO_CACHE: '1'})
    const again = await callsOf(() => submit(['--', 'true'], {MFBATCH_NO_CACHE: '1'}))
    expect(again).toEqual(LONG_WAY)
  })

  test('an emulator replaced by a fresh one on the same port: rejected once, forgotten, submitted the long way', async () => {
    const {port} = emulator
    expect((await submit(['--', 'echo', 'before'])).code).toBe(0)
    await emulator.stop()
    const fresh = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-cache-fresh-'))
    // Fresh state, same keys: the CLI's environment signs with the first emulator's credentials.
    copyFileSync(join(emulator.stateDir, 'credentials'), join(fresh, 'credentials'))
    const replacement = await startOnPort(port, fresh)
    try {
      let result = {code: -1, stderr: '', stdout: ''}
      const calls = await callsOf(async () => {
        result = await submit(['--', 'echo', 'after'])
      })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(ID)
      // The cached definition does not exist here: SubmitJob refuses it, then the long way registers it.
      expect(calls).toEqual({...LONG_WAY, 'batch:RegisterJobDefinition': 1, 'batch:SubmitJob': 2})
      const status = await runCli(['status', '--json', result.stdout.trim()], {
        cwd: work,
        env: {...emulator.env, HOME: work},
      })
      expect(JSON.parse(status.stdout).jobs[0].jobQueue).toContain('local')
      // And it is remembered again.
      expect(await callsOf(() => submit(['--', 'true']))).toEqual({'batch:SubmitJob': 1})
    } finally {
      await stop(replacement)
      rmSync(fresh, {force: true, recursive: true})
    }
  })
})

/** `mfbatch emulator` on a given port (the test helper always picks a free one); resolves once it listens. */
function startOnPort(port: number, stateDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [RUN, 'emulator', '--port', String(port), '--state-dir', stateDir], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (out.includes('listening on')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)))
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve()
      return
    }

    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
