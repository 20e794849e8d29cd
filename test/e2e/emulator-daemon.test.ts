/**
 * `mfbatch emulator start|status|stop`, `ensureLocalEmulator` and `--local`, with the built CLI as a child process,
 * on a free port (MFBATCH_EMULATOR_PORT) and a temporary XDG_DATA_HOME, so no real default emulator is touched.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, tmpdir, totalmem} from 'node:os'
import {join} from 'node:path'

import {DaemonRecord, isAlive, isHealthy, stopDaemon} from '../../src/emulator/daemon'
import {ensureLocalEmulator} from '../../src/emulator/local'
import {cleanEnv, runCli, RunResult} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let dataHome: string
let stateDir: string
let port: number
let env: Record<string, string>

const mfbatch = (...args: string[]): Promise<RunResult> => runCli(args, {env})
const pidFile = () => join(stateDir, 'emulator.pid')
const endpoint = () => `http://127.0.0.1:${port}`
const readRecord = () => JSON.parse(readFileSync(pidFile(), 'utf8')) as DaemonRecord
// What a background emulator offers on this machine: 16 vCPUs and 32 GiB at least (daemon.ts).
const offers = {
  memoryMiB: Math.max(32_768, Math.floor(totalmem() / 1024 / 1024)),
  vcpus: Math.max(16, availableParallelism()),
}
const startedLine = () =>
  `mfbatch: started the local AWS Batch emulator at ${endpoint()} in the background (state: ${stateDir}); ` +
  'stop it with: mfbatch emulator stop'

describe('the detached emulator', () => {
  beforeAll(async () => {
    dataHome = mkdtempSync(join(tmpdir(), 'mfbatch-daemon-'))
    stateDir = join(dataHome, 'mfbatch', 'emulator')
    port = await freePort()
    env = {MFBATCH_EMULATOR_PORT: String(port), XDG_DATA_HOME: dataHome}
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
      const record = readRecord()
      expect(record).toEqual({
        endpoint: endpoint(),
        logFile: join(stateDir, 'emulator.log'),
        pid: expect.any(Number),
        pidStartTime: expect.stringMatching(/^\d+$/),
        port,
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        stateDir,
      })
      expect(run.stderr).toBe(
        `mfbatch: started the emulator at ${endpoint()} (pid ${record.pid}, state: ${stateDir}, log: ${record.logFile}); ` +
          `it offers ${offers.vcpus} vCPUs and ${offers.memoryMiB} MiB per compute environment\n` +
          'mfbatch: stop it with: mfbatch emulator stop\n',
      )
      expect(await isHealthy(endpoint())).toBe(true)
    })

    test('status --json describes the running daemon', async () => {
      const run = await mfbatch('emulator', 'status', '--json')
      expect([run.code, JSON.parse(run.stdout)]).toEqual([
        0,
        // With what the running emulator enforces (limits, gpus), from the record it wrote in the state dir.
        {
          ...readRecord(),
          ...(JSON.parse(readFileSync(join(stateDir, 'fidelity.json'), 'utf8')) as object),
          capacity: offers,
          healthy: true,
          managed: true,
          running: true,
        },
      ])
      expect((JSON.parse(run.stdout) as {limits: {mechanism: string}}).limits.mechanism).toMatch(
        /^(?:cgroup-v[12]|watchdog|none)$/,
      )
    })

    test('a second start names the running one and exits 1, having changed nothing', async () => {
      const before = readRecord()
      const run = await mfbatch('emulator', 'start', '--json')
      expect(run).toEqual({
        code: 1,
        stderr:
          `mfbatch: the emulator of ${stateDir} is already running (pid ${before.pid}, port ${port}); nothing was ` +
          'changed. Use that one, stop it first (mfbatch emulator stop, or Ctrl-C where it runs in the foreground), ' +
          'or give this one another --state-dir\n',
        stdout: '',
      })
      expect(readRecord()).toEqual(before)
    })

    test('stop ends the process and removes the pid file; a second stop is a note, exit 0', async () => {
      const record = readRecord()
      expect(await mfbatch('emulator', 'stop')).toEqual({
        code: 0,
        stderr:
          `mfbatch: stopped the emulator at ${endpoint()} (pid ${record.pid}), which was running no job; its state stays in ` +
          `${stateDir}\n`,
        stdout: '',
      })
      expect(existsSync(pidFile())).toBe(false)
      // A zombie awaiting its reaper counts as gone.
      expect(isAlive(record.pid)).toBe(false)
      expect(await mfbatch('emulator', 'stop')).toEqual({
        code: 0,
        stderr: `mfbatch: no background emulator is running for ${stateDir}; nothing to stop\n`,
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

  describe('ensureLocalEmulator and --local', () => {
    test('ensureLocalEmulator starts one when none answers, says so once, then reuses it', async () => {
      const lines: string[] = []
      const log = (line: string) => lines.push(line)
      const localEnv = {...cleanEnv(), ...env}
      const credentials = {
        accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
        secretAccessKey: expect.any(String),
      }
      const first = await ensureLocalEmulator({env: localEnv, log})
      expect(first).toEqual({credentials, endpoint: endpoint(), started: true})
      expect(await ensureLocalEmulator({env: localEnv, log})).toEqual({...first, started: false})
      expect(lines).toEqual([startedLine()])
      expect((await stopDaemon(stateDir))?.port).toBe(port)
    })

    test('submit --local starts the emulator once and runs the job on it; emulator stop ends it', async () => {
      const first = await mfbatch('submit', '--local', '--wait', '--quiet', '--', 'echo', 'hello')
      expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/^[\da-f-]{36}\n$/)])
      expect(first.stderr.split('\n').filter((line) => line.includes('emulator'))).toEqual([startedLine()])
      const {pid} = readRecord()
      const second = await mfbatch('submit', '--local', '--wait', '--quiet', '--', 'echo', 'again')
      expect([second.code, second.stderr]).toEqual([0, ''])
      expect(readRecord().pid).toBe(pid)
      const jobId = second.stdout.trim()
      const status = await mfbatch('status', '--local', '--json', jobId)
      expect([status.code, status.stderr]).toEqual([0, ''])
      expect(JSON.stringify(JSON.parse(status.stdout))).toContain('SUCCEEDED')
      expect((await mfbatch('emulator', 'stop')).code).toBe(0)
      expect(isAlive(pid)).toBe(false)
    })

    test('emulator stop says how many running jobs it stopped, and --json gives the count', async () => {
      const submit = () => mfbatch('submit', '--local', '--quiet', '--', 'sleep', '300')
      const ids = [(await submit()).stdout.trim(), (await submit()).stdout.trim()]
      const statuses = async () => {
        const shown = JSON.parse((await mfbatch('status', '--local', '--json', ...ids)).stdout)
        return (shown.jobs as Array<{status: string}>).map((job) => job.status)
      }

      // The jobs start within the emulator's first scheduling rounds; each status call takes a while by itself.
      for (let polls = 0; ; polls++) {
        // eslint-disable-next-line no-await-in-loop -- a poll: one status call at a time
        const now = await statuses()
        if (now.every((status) => status === 'RUNNING')) break
        if (polls > 100) throw new Error(`the jobs did not start: ${now}`)
      }

      const {pid} = readRecord()
      const stop = await mfbatch('emulator', 'stop', '--json')
      expect([stop.code, JSON.parse(stop.stdout)]).toEqual([
        0,
        {endpoint: endpoint(), pid, stateDir, stopped: true, stoppedJobs: 2},
      ])
      expect(stop.stderr).toBe(
        `mfbatch: stopped the emulator at ${endpoint()} (pid ${pid}) and the 2 jobs it was running; its state ` +
          `stays in ${stateDir}\n`,
      )
      const again = await mfbatch('emulator', 'stop', '--json')
      expect([again.code, JSON.parse(again.stdout)]).toEqual([
        0,
        {endpoint: null, pid: null, stateDir, stopped: false, stoppedJobs: null},
      ])
    })
  })
})
