/**
 * A detached emulator: `mfbatch emulator` started in the background, outliving the command that started it, and
 * found again through a pid file in its state directory. This module only manages the process; what the server
 * does is the foreground command's business.
 */
import {spawn} from 'node:child_process'
import {closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {availableParallelism, totalmem} from 'node:os'
import {join} from 'node:path'

import type {Credentials} from './auth/keys'

import {RuntimeError} from '../errors'
import {packageRoot} from '../package-root'
import {loadOrCreateCredentials, readCredentialsIfAny} from './auth/credentials-file'
import {proveServer, type ServerProof} from './auth/prove-server'
import {processStartTime} from './batch/engine/processes'
import {type InstanceRecord, readInstance} from './instance-lock'
import {isAlive} from './liveness'
import {portHeldMessage} from './port-held'
import {checkPrivateDir, ensurePrivateDir} from './state-dir'
import {readStopRecord} from './stop-record'

export {isAlive} from './liveness'

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
  /** What the running emulator offers per compute environment, from its lock. */
  capacity?: Capacity
  endpoint: string
  /** The emulator of this state dir answers on the endpoint and proved it (prove-server.ts). */
  healthy: boolean
  logFile?: string
  /** Started by `mfbatch emulator start` or `--local` (a pid file exists); false for a foreground one. */
  managed: boolean
  pid?: number
  port: number
  /** Set when something other than this state dir's emulator holds the port: why nothing was sent to it. */
  portHeld?: string
  running: boolean
  startedAt?: string
  stateDir: string
}

export interface Capacity {
  memoryMiB: number
  vcpus: number
}

export interface StartResult {
  endpoint: string
  /** The running emulator's lock record (pid, port, capacity): the one started, or the one already running. */
  instance: InstanceRecord | undefined
  /** The daemon's pid file record; undefined when what answers was not started by us (a foreground emulator). */
  record: DaemonRecord | undefined
  /** False when an emulator already answered: start is idempotent. */
  started: boolean
}

export interface StartOptions {
  /** vCPUs and memory of each compute environment; backgroundCapacity() by default. */
  capacity?: Capacity
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

/**
 * At least this much for the emulator `--local` and `emulator start` run: vCPUs and memory are counted, not
 * enforced per machine, and the README's examples (`--nodes 3`, `--cpu 4 --memory 16000`) must run on a laptop.
 */
export const BACKGROUND_MIN_VCPUS = 16
export const BACKGROUND_MIN_MEMORY_MIB = 32 * 1024

/** What a background emulator offers per compute environment: this machine's, or the minimums above if more. */
export function backgroundCapacity(): Capacity {
  return {
    memoryMiB: Math.max(BACKGROUND_MIN_MEMORY_MIB, Math.floor(totalmem() / 1024 / 1024)),
    vcpus: Math.max(BACKGROUND_MIN_VCPUS, availableParallelism()),
  }
}

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

/**
 * Where the emulator of this state dir is (its lock, and the pid file when started in the background), or what
 * answers on `port` when none runs. Whatever answers must prove it is this state dir's emulator, listening there.
 */
export async function daemonStatus(stateDir: string, port: number): Promise<DaemonStatus> {
  const instance = readInstance(stateDir)
  const record = readDaemon(stateDir)
  const endpoint = instance?.port === undefined ? (record?.endpoint ?? endpointOf(port)) : endpointOf(instance.port)
  const found = await proveAt(endpoint, stateDir)
  const healthy = found.kind === 'proven'
  const running = instance !== undefined || record !== undefined || healthy
  const status: DaemonStatus = record
    ? {...record, endpoint, healthy, managed: true, running}
    : {endpoint, healthy, managed: false, port: Number(new URL(endpoint).port), running, stateDir}
  if (instance && !record) Object.assign(status, {pid: instance.pid, startedAt: instance.startedAt})
  if (instance?.capacity) status.capacity = instance.capacity
  if (!running && found.kind !== 'silent') {
    status.portHeld = portHeldMessage(endpoint, stateDir, found, 'use another --port')
  }

  return status
}

/** The credentials of `stateDir` when it has any yet, the state dir's safety checked first. */
export function stateCredentials(stateDir: string): Credentials | undefined {
  try {
    checkPrivateDir(stateDir)
    return readCredentialsIfAny(stateDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** What answers at `endpoint`, judged with the credentials of `stateDir` (none yet: whatever answers is not it). */
export async function proveAt(endpoint: string, stateDir: string, timeoutMs = 2000): Promise<ServerProof> {
  const credentials = stateCredentials(stateDir)
  if (credentials) return proveServer(endpoint, credentials.secretAccessKey, timeoutMs)
  return (await isHealthy(endpoint, timeoutMs)) ? {kind: 'impostor'} : {kind: 'silent'}
}

/**
 * Starts a detached emulator on `port` with `stateDir`, unless the emulator of that state dir already runs: then
 * nothing is started and that one is returned (`started: false`, on whatever port it listens). Throws a
 * RuntimeError when something else holds the port, or with the log's last lines when it never answers.
 */
export async function startDaemon(stateDir: string, port: number, options: StartOptions = {}): Promise<StartResult> {
  ensurePrivateDir(stateDir)
  // Made now if this state dir never ran an emulator, so what answers can be asked to prove it holds them.
  const {secretAccessKey: secret} = loadOrCreateCredentials(stateDir)
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS
  const running = await runningEmulator(stateDir, secret, timeoutMs)
  if (running) return running
  // Two `--local` commands started together must not spawn two daemons on one state dir: one takes the lock, the
  // other waits for the winner's emulator to answer.
  const unlock = takeStartLock(stateDir, timeoutMs)
  if (!unlock) {
    let winner: StartResult | undefined
    await pollUntil(async () => {
      winner = await runningEmulator(stateDir, secret, timeoutMs)
      return winner !== undefined
    }, timeoutMs)
    if (winner) return winner
    throw failure(`another start of the emulator in ${stateDir} did not finish`, join(stateDir, LOG_FILE))
  }

  try {
    // The previous lock holder may have finished just before we took the lock.
    const winner = await runningEmulator(stateDir, secret, timeoutMs)
    if (winner) return winner
    const endpoint = endpointOf(port)
    const found = await proveServer(endpoint, secret)
    if (found.kind !== 'silent') {
      throw new RuntimeError(portHeldMessage(endpoint, stateDir, found, 'use another --port (or --port 0)'))
    }

    return await spawnDaemon(stateDir, port, {...options, secret}, timeoutMs)
  } finally {
    unlock()
  }
}

/**
 * The emulator of `stateDir` when one runs (its lock names a live process), once it listens and proves itself
 * (waiting up to `timeoutMs`). Undefined when none runs or it exits meanwhile.
 */
async function runningEmulator(stateDir: string, secret: string, timeoutMs: number): Promise<StartResult | undefined> {
  let instance = readInstance(stateDir)
  if (!instance) return undefined
  const proven = await pollUntil(async () => {
    instance = readInstance(stateDir)
    if (instance?.port === undefined) return instance === undefined
    return (await proveServer(endpointOf(instance.port), secret, 500)).kind === 'proven'
  }, timeoutMs)
  if (!instance) return undefined
  if (!proven || instance.port === undefined) {
    const at = instance.port === undefined ? 'any port' : endpointOf(instance.port)
    throw failure(
      `the emulator of ${stateDir} (pid ${instance.pid}) does not answer on ${at}`,
      join(stateDir, LOG_FILE),
    )
  }

  return {endpoint: endpointOf(instance.port), instance, record: readDaemon(stateDir), started: false}
}

async function spawnDaemon(
  stateDir: string,
  port: number,
  {capacity = backgroundCapacity(), cliPath, gpus, runtime, secret}: StartOptions & {secret: string},
  timeoutMs: number,
): Promise<StartResult> {
  const endpoint = endpointOf(port)
  const logFile = join(stateDir, LOG_FILE)
  const cli = cliPath ?? join(packageRoot(), 'bin', 'run.js')
  const out = openSync(logFile, 'a', 0o600)
  // detached: its own session, so it survives the terminal and the process that started it. cwd is the state dir
  // so the daemon does not pin whatever directory it was started from.
  const args = [cli, 'emulator', '--port', String(port), '--state-dir', stateDir]
  args.push('--vcpus', String(capacity.vcpus), '--memory', String(capacity.memoryMiB))
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
  let exited = false
  const proven = await pollUntil(async () => {
    if ((await proveServer(endpoint, secret, 500)).kind === 'proven') return true
    exited = !isAlive(pid)
    return exited
  }, timeoutMs)
  child.unref()
  if (proven && !exited) return {endpoint, instance: readInstance(stateDir), record, started: true}
  removePidFileOf(stateDir, pid)
  // Lost a race with an emulator started in the foreground on the same state dir? Then that one is the answer.
  const other = exited ? await runningEmulator(stateDir, secret, timeoutMs) : undefined
  if (other) return other
  if (!exited) await stopPid(pid)
  const what = exited
    ? `the emulator exited before answering on ${endpoint}`
    : `the emulator did not answer on ${endpoint} within ${timeoutMs} ms`
  throw failure(what, logFile)
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
