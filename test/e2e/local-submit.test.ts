/**
 * `submit --local` as a newcomer runs it, against the detached emulator on a free port (MFBATCH_EMULATOR_PORT) with
 * its state and the submit cache in temporary folders: the cache saves the lookups of the default queue, and
 * `--quiet --follow` prints the job's log alone, and `logs --since` prints only what is in its window.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {emulatorCredentials, httpJson, runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let home: string
let port: number
let env: Record<string, string>

const mfbatch = (...args: string[]) => runCli(args, {env})

describe('submit --local', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mfbatch-local-'))
    port = await freePort()
    env = {MFBATCH_CACHE_DIR: join(home, 'cache'), MFBATCH_EMULATOR_PORT: String(port), XDG_DATA_HOME: home}
  })

  afterAll(async () => {
    await stopDaemon(join(home, 'mfbatch', 'emulator'))
    rmSync(home, {force: true, recursive: true})
  })

  test('three submits in a row: after the first, each is one call, SubmitJob', async () => {
    const calls: Array<Record<string, number>> = []
    for (let round = 0; round < 3; round++) {
      // eslint-disable-next-line no-await-in-loop -- one submit after the other, as typed
      const run = await mfbatch('submit', '--local', '--quiet', '--', 'echo', 'hi')
      expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^[\da-f-]{36}\n$/)])
      // eslint-disable-next-line no-await-in-loop -- the counts of this submit alone
      calls.push(await statsSinceLast())
    }

    expect(calls.slice(1)).toEqual([{'batch:SubmitJob': 1}, {'batch:SubmitJob': 1}])
  })

  test('--quiet --follow: the log on stdout, nothing on stderr, the job exit code', async () => {
    expect(await mfbatch('submit', '--local', '--quiet', '--follow', '--', 'sh', '-c', 'echo out; exit 3')).toEqual({
      code: 3,
      stderr: '',
      stdout: 'out\n',
    })
  })

  test('logs --since before, inside and after the log: all lines, the later ones, nothing', async () => {
    const job = (
      await mfbatch('submit', '--local', '--quiet', '--wait', '--', 'sh', '-c', 'echo a; sleep 1; echo b')
    ).stdout.trim()
    const lines = (await mfbatch('logs', '--local', '--json', job)).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as {message: string; timestamp: number})
    expect(lines.map((line) => line.message)).toEqual(['a', 'b'])
    const since = async (start: string) => {
      const run = await mfbatch('logs', '--local', '--since', start, job)
      return [run.code, run.stdout]
    }

    expect(await since('2000-01-01T00:00:00Z')).toEqual([0, 'a\nb\n'])
    expect(await since(new Date(lines[1].timestamp).toISOString())).toEqual([0, 'b\n'])
    expect(await since(new Date(lines[1].timestamp + 60_000).toISOString())).toEqual([0, ''])
  })
})

/** The emulator's per-operation counts since the last call, then reset. */
async function statsSinceLast(): Promise<Record<string, number>> {
  const body = (await call('GET', '/__emulator/stats')) as {calls: Record<string, number>}
  await call('POST', '/__emulator/reset')
  return body.calls
}

/** The detached emulator's own endpoints, signed with the credentials it wrote in its state dir. */
function call(method: string, path: string): Promise<unknown> {
  const credentials = emulatorCredentials(join(home, 'mfbatch', 'emulator'))
  return httpJson(method, `http://127.0.0.1:${port}${path}`, credentials)
}
