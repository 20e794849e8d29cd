/**
 * `mfbatch emulator start|status|stop` and `ensureLocalEmulator`, with the built CLI as a child process, on a free
 * port (MFBATCH_EMULATOR_PORT) and a temporary XDG_DATA_HOME, so no real default emulator is touched.
 */
import {execFile, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {DaemonRecord, isHealthy, stopDaemon} from '../../src/emulator/daemon'
import {ensureLocalEmulator} from '../../src/emulator/local'

const RUN = resolve(__dirname, '..', '..', 'bin', 'run.js')
let dataHome: string
let stateDir: string
let port: number
let env: NodeJS.ProcessEnv

interface Run {
  code: number
  stderr: string
  stdout: string
}

function mfbatch(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [RUN, ...args], {env, timeout: 30_000}, (error, stdout, stderr) => {
      done({code: error ? Number(error.code ?? -1) : 0, stderr, stdout})
    })
  })
}

const pidFile = () => join(stateDir, 'emulator.pid')
const endpoint = () => `http://127.0.0.1:${port}`

describe('the detached emulator', () => {
  beforeAll(async () => {
    dataHome = mkdtempSync(join(tmpdir(), 'mfbatch-daemon-'))
    stateDir = join(dataHome, 'mfbatch', 'emulator')
    port = await freePort()
    env = {...process.env, MFBATCH_EMULATOR_PORT: String(port), XDG_DATA_HOME: dataHome}
  })

  afterAll(async () => {
    // Whatever a failed assertion left running goes too.
    await stopDaemon(stateDir)
    rmSync(dataHome, {force: true, recursive: true})
  })

  describe('mfbatch emulator start|status|stop', () => {
    test('status with nothing running: exit 1, says so, and --json says so too', async () => {
      expect(await mfbatch('emulator', 'status')).toEqual({
        code: 1,
        stderr: '',
        stdout: `not running (state: ${stateDir})\n`,
      })
      const json = await mfbatch('emulator', 'status', '--json')
      expect([json.code, JSON.parse(json.stdout)]).toEqual([
        1,
        {endpoint: endpoint(), healthy: false, managed: false, port, running: false, stateDir},
      ])
    })

    test('start prints the endpoint, records the daemon, and answers', async () => {
      const run = await mfbatch('emulator', 'start')
      expect([run.code, run.stdout]).toEqual([0, `${endpoint()}\n`])
      const record = JSON.parse(readFileSync(pidFile(), 'utf8')) as DaemonRecord
      expect(record).toEqual({
        endpoint: endpoint(),
        logFile: join(stateDir, 'emulator.log'),
        pid: expect.any(Number),
        port,
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        stateDir,
      })
      expect(run.stderr).toBe(
        `Started the emulator at ${endpoint()} (pid ${record.pid}, state: ${stateDir}, log: ${record.logFile})\n` +
          'Stop it with: mfbatch emulator stop\n',
      )
      expect(await isHealthy(endpoint())).toBe(true)
    })

    test('status --json describes the running daemon', async () => {
      const record = JSON.parse(readFileSync(pidFile(), 'utf8')) as DaemonRecord
      const run = await mfbatch('emulator', 'status', '--json')
      expect([run.code, JSON.parse(run.stdout)]).toEqual([0, {...record, healthy: true, managed: true, running: true}])
    })

    test('a second start is idempotent: same endpoint, same pid, nothing new started', async () => {
      const before = readFileSync(pidFile(), 'utf8')
      const run = await mfbatch('emulator', 'start')
      expect([run.code, run.stdout]).toEqual([0, `${endpoint()}\n`])
      expect(run.stderr).toMatch(/^Already running: the emulator at /)
      expect(readFileSync(pidFile(), 'utf8')).toBe(before)
    })

    test('stop ends the process and removes the pid file; a second stop is a note, exit 0', async () => {
      const record = JSON.parse(readFileSync(pidFile(), 'utf8')) as DaemonRecord
      const run = await mfbatch('emulator', 'stop')
      expect(run).toEqual({
        code: 0,
        stderr: `Stopped the emulator at ${endpoint()} (pid ${record.pid}); its state stays in ${stateDir}\n`,
        stdout: '',
      })
      expect(existsSync(pidFile())).toBe(false)
      expect(alive(record.pid)).toBe(false)
      expect(await mfbatch('emulator', 'stop')).toEqual({
        code: 0,
        stderr: `No background emulator is running for ${stateDir}; nothing to stop\n`,
        stdout: '',
      })
      expect((await mfbatch('emulator', 'status')).code).toBe(1)
    })

    test('a stale pid file (process gone) is removed and reported as not running', async () => {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
      mkdirSync(stateDir, {recursive: true})
      const stale = {endpoint: endpoint(), logFile: '', pid: Number(gone.stdout), port, startedAt: '', stateDir}
      writeFileSync(pidFile(), JSON.stringify(stale))
      expect((await mfbatch('emulator', 'status')).code).toBe(1)
      expect(existsSync(pidFile())).toBe(false)
    })
  })

  describe('ensureLocalEmulator', () => {
    test('starts one when none answers, says so once, then reuses it', async () => {
      const lines: string[] = []
      const first = await ensureLocalEmulator({env, log: (line) => lines.push(line)})
      expect(first).toEqual({endpoint: endpoint(), started: true})
      expect(lines).toEqual([
        `Started the local AWS Batch emulator at ${endpoint()} in the background (state: ${stateDir}); ` +
          'stop it with: mfbatch emulator stop',
      ])
      expect(await ensureLocalEmulator({env, log: (line) => lines.push(line)})).toEqual({
        endpoint: endpoint(),
        started: false,
      })
      expect(lines).toHaveLength(1)
      const stopped = await stopDaemon(stateDir)
      expect(stopped?.port).toBe(port)
    })
  })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
