/**
 * A detached emulator: `mfbatch emulator` started in the background, outliving the command that started it, and
 * found again through a pid file in its state directory. This module only manages the process; what the server
 * does is the foreground command's business.
 */
import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {join} from 'node:path'

import {RuntimeError} from '../errors'
import {packageRoot} from '../package-root'
import {processStartTime} from './batch/engine/processes'
import {ensurePrivateDir} from './state-dir'
import {readStopRecord} from './stop-record'

/** What `<stateDir>/emulator.pid` holds: enough to find, probe and stop the daemon. */
export interface DaemonRecord {
  endpoint: string
  logFile: string
  pid: number
  /** The kernel's start time of the process (/proc/PID/stat), so a reused pid is never taken for it. */
  pidStartTime?: string
  port: number
  startedAt: string
  stateDir: string
}

export interface DaemonStatus {
  endpoint: string
  /** Something answers the health check on the endpoint. */
  healthy: boolean
  logFile?: string
  /** Started by `mfbatch emulator start` or `--local` (a pid file exists); false for a foreground one. */
  managed: boolean
  pid?: number
  port: number
  running: boolean
  startedAt?: string
  stateDir: string
}

export interface StartResult {
  endpoint: string
  /** The daemon's pid file record; undefined when what answers was not started by us (a foreground emulator). */
  record: DaemonRecord | undefined
  /** False when an emulator already answered: start is idempotent. */
  started: boolean
}

export interface StartOptions {
  /** The CLI entry point to run; bin/run.js of this package by default. */
  cliPath?: string
  /** Made-up GPUs for the emulator (`mfbatch emulator --gpus N`). */
  gpus?: number
  /** `mfbatch emulator --runtime`; without it, the emulator reads MFBATCH_EMULATOR_RUNTIME. */
  runtime?: string
  /** How long to wait for the health check to answer. */
  timeoutMs?: number
}

export const PID_FILE = 'emulator.pid'
export const LOG_FILE = 'emulator.log'
const LOCK_FILE = 'emulator.start.lock'
const HOST = '127.0.0.1'
const START_TIMEOUT_MS = 10_000
const STOP_GRACE_MS = 5000
const POLL_MS = 100

export const endpointOf = (port: number): string => `http://${HOST}:${port}`

/** True when `GET /__emulator/health` answers 2xx within `timeoutMs`. Never throws. */
export function isHealthy(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    // agent: false so no keep-alive socket holds the caller's event loop open.
    const req = get(`${endpoint}/__emulator/health`, {agent: false, timeout: timeoutMs}, (res) => {
      res.resume()
      done(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => done(false))
  })
}

/** The pid file's record when its process is still alive; a stale file (process gone) is removed. */
export function readDaemon(stateDir: string): DaemonRecord | undefined {
  const file = join(stateDir, PID_FILE)
  let record: DaemonRecord
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as DaemonRecord
  } catch {
    return undefined
  }

  if (Number.isInteger(record.pid) && isAlive(record.pid) && isSameProcess(record)) return record
  rmSync(file, {force: true})
  return undefined
}

/**
 * Whether the record's pid is still the emulator it names: same kernel start time when recorded, and a command
 * line that runs `emulator` on this state dir. Where /proc is missing, the pid is taken at its word.
 */
export function isSameProcess(record: Pick<DaemonRecord, 'pid' | 'pidStartTime' | 'stateDir'>): boolean {
  const started = processStartTime(record.pid)
  if (started === undefined) return true
  if (record.pidStartTime !== undefined && started !== record.pidStartTime) return false
  let args: string[]
  try {
    args = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return false
  }

  return args.includes('emulator') && args.includes(record.stateDir)
}

/** Where the daemon is, or what answers on `port` when no daemon of this state dir runs. */
export async function daemonStatus(stateDir: string, port: number): Promise<DaemonStatus> {
  const record = readDaemon(stateDir)
  if (record) {
    const healthy = await isHealthy(record.endpoint)
    return {...record, healthy, managed: true, running: true}
  }

  const endpoint = endpointOf(port)
  const healthy = await isHealthy(endpoint)
  return {endpoint, healthy, managed: false, port, running: healthy, stateDir}
}

/**
 * Starts a detached emulator on `port` with `stateDir`, unless one already answers there. Idempotent: a second call
 * returns the running one with `started: false`. Throws a RuntimeError with the log's last lines when it never
 * becomes healthy.
 */
export async function startDaemon(stateDir: string, port: number, options: StartOptions = {}): Promise<StartResult> {
  const existing = readDaemon(stateDir)
  if (existing && (await isHealthy(existing.endpoint)))
    return {endpoint: existing.endpoint, record: existing, started: false}
  const endpoint = endpointOf(port)
  // A foreground `mfbatch emulator` (or a daemon of another state dir) on the same port: use it, as --local would.
  if (!existing && (await isHealthy(endpoint))) return {endpoint, record: undefined, started: false}
  if (existing) {
    // Alive but not answering (still starting, or wedged): give it the same bounded wait a fresh one gets.
    if (await waitHealthy(existing.endpoint, existing.pid, options.timeoutMs ?? START_TIMEOUT_MS)) {
      return {endpoint: existing.endpoint, record: existing, started: false}
    }

    throw failure(`the emulator (pid ${existing.pid}) does not answer on ${existing.endpoint}`, existing.logFile)
  }

  ensurePrivateDir(stateDir)
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS
  // Two `--local` commands started together must not spawn two daemons on one state dir: one takes the lock, the
  // other waits for the winner's emulator to answer.
  const unlock = takeStartLock(stateDir, timeoutMs)
  if (!unlock) {
    if (await waitHealthy(endpoint, undefined, timeoutMs)) {
      return {endpoint, record: readDaemon(stateDir), started: false}
    }

    throw failure(`another start of the emulator in ${stateDir} did not finish`, join(stateDir, LOG_FILE))
  }

  try {
    // The previous lock holder may have finished just before we took the lock.
    const winner = readDaemon(stateDir)
    if (winner && (await isHealthy(winner.endpoint))) return {endpoint: winner.endpoint, record: winner, started: false}
    return await spawnDaemon(stateDir, port, options, timeoutMs)
  } finally {
    unlock()
  }
}

async function spawnDaemon(
  stateDir: string,
  port: number,
  {cliPath, gpus, runtime}: StartOptions,
  timeoutMs: number,
): Promise<StartResult> {
  const endpoint = endpointOf(port)
  const logFile = join(stateDir, LOG_FILE)
  const cli = cliPath ?? join(packageRoot(), 'bin', 'run.js')
  const out = openSync(logFile, 'a', 0o600)
  // detached: its own session, so it survives the terminal and the process that started it. cwd is the state dir
  // so the daemon does not pin whatever directory it was started from.
  const args = [cli, 'emulator', '--port', String(port), '--state-dir', stateDir]
  if (gpus !== undefined) args.push('--gpus', String(gpus))
  if (runtime !== undefined) args.push('--runtime', runtime)
  const child = spawn(process.execPath, args, {
    cwd: stateDir,
    detached: true,
    env: daemonEnvironment(process.env),
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  child.on('error', () => {})
  const {pid} = child
  if (pid === undefined) throw failure(`could not start ${process.execPath} ${cli}`, logFile)
  const record: DaemonRecord = {
    endpoint,
    logFile,
    pid,
    pidStartTime: processStartTime(pid),
    port,
    startedAt: new Date().toISOString(),
    stateDir,
  }
  writePidFile(record)
  const healthy = await waitHealthy(endpoint, pid, timeoutMs)
  child.unref()
  if (healthy) return {endpoint, record, started: true}
  // Lost a race with another starter on the same port? Then its emulator is as good as ours.
  if (!isAlive(pid) && (await isHealthy(endpoint))) {
    removePidFileOf(stateDir, pid)
    return {endpoint, record: undefined, started: false}
  }

  await stopPid(pid)
  removePidFileOf(stateDir, pid)
  throw failure(`the emulator did not answer on ${endpoint} within ${timeoutMs} ms`, logFile)
}

/**
 * Stops the daemon of `stateDir`: SIGTERM, up to 5 s for it to exit, then SIGKILL to its process group. Returns
 * the record of what was stopped (with how many running jobs it stopped, when it could say), or undefined when none
 * was running (a stale pid file is removed).
 */
export async function stopDaemon(stateDir: string): Promise<(DaemonRecord & {stoppedJobs?: number}) | undefined> {
  const record = readDaemon(stateDir)
  if (!record) return undefined
  await stopPid(record.pid)
  removePidFileOf(stateDir, record.pid)
  const stopped = readStopRecord(stateDir, record.pid)
  return stopped ? {...record, stoppedJobs: stopped.stoppedJobs} : record
}

async function stopPid(pid: number): Promise<void> {
  signal(pid, 'SIGTERM')
  if (await pollUntil(() => !isAlive(pid), STOP_GRACE_MS)) return
  // The daemon leads its own process group (detached): take down whatever it left behind with it.
  signal(-pid, 'SIGKILL')
  signal(pid, 'SIGKILL')
  await pollUntil(() => !isAlive(pid), STOP_GRACE_MS)
}

/** Waits for the health check; gives up early when `pid` (the process expected to answer) has exited. */
async function waitHealthy(endpoint: string, pid: number | undefined, timeoutMs: number): Promise<boolean> {
  let exited = false
  const healthy = await pollUntil(async () => {
    if (await isHealthy(endpoint, 500)) return true
    exited = pid !== undefined && !isAlive(pid)
    return exited
  }, timeoutMs)
  return healthy && !exited
}

/** Checks every 100 ms, one check at a time, until `done` says true (returns true) or the time is up (false). */
async function pollUntil(done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- a poll: each check must finish before the next one starts
    if (await done()) return true
    if (Date.now() >= deadline) return false
    // eslint-disable-next-line no-await-in-loop -- same
    await sleep(POLL_MS)
  }
}

/** Alive and not a zombie: a daemon that exited before its starter reaped it must count as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }

  const stat = `/proc/${pid}/stat`
  if (!existsSync(stat)) return true
  try {
    // Field 3 is the state; the command name in field 2 may contain spaces, so read after its closing paren.
    const text = readFileSync(stat, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone: that is what we wanted.
  }
}

/**
 * An exclusive lock file for the duration of one start; returns its release, or undefined when another start holds
 * it. A lock older than two start timeouts was left by a starter that died and is taken over.
 */
function takeStartLock(stateDir: string, timeoutMs: number): (() => void) | undefined {
  const file = join(stateDir, LOCK_FILE)
  for (let tries = 0; tries < 2; tries++) {
    try {
      closeSync(openSync(file, 'wx'))
      return () => rmSync(file, {force: true})
    } catch {
      let age = 0
      try {
        age = Date.now() - statSync(file).mtimeMs
      } catch {
        continue // Released between our two calls: try again.
      }

      if (age < 2 * timeoutMs) return undefined
      rmSync(file, {force: true})
    }
  }

  return undefined
}

/** Written to a temporary name and renamed, so a reader never sees half a record. */
function writePidFile(record: DaemonRecord): void {
  const file = join(record.stateDir, PID_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, {mode: 0o600})
  renameSync(tmp, file)
}

/** Removes the pid file only if it still names `pid`: another starter may have replaced it meanwhile. */
function removePidFileOf(stateDir: string, pid: number): void {
  const file = join(stateDir, PID_FILE)
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as DaemonRecord).pid !== pid) return
  } catch {
    return
  }

  rmSync(file, {force: true})
}

/** What the docker runtime needs to reach the user's daemon, and the runtime chosen for `--local` starts. */
const DOCKER_ENV = [
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'MFBATCH_EMULATOR_RUNTIME',
]

/**
 * What the detached emulator inherits: enough to run node and the jobs' commands, not the starter's secrets (AWS
 * keys, tokens) that it has no use for and would otherwise keep for as long as it runs.
 */
export function daemonEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', ...DOCKER_ENV]) {
    const value = env[name]
    if (value !== undefined) kept[name] = value
  }

  return kept
}

function failure(what: string, logFile: string): RuntimeError {
  let tail = ''
  try {
    tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ')
  } catch {
    // No log yet: the message without it still says where to look.
  }

  return new RuntimeError(`${what}; see ${logFile}${tail ? `: ${tail}` : ''}`)
}

const sleep = (ms: number): Promise<void> =>
  new Promise((done) => {
    setTimeout(done, ms)
  })
