/**
 * One emulator per state directory. The running one holds `<state dir>/emulator.lock`, a small JSON record (pid,
 * the kernel's start time of that pid, port once bound, capacity) that is created whole or not at all (written under
 * a temporary name, then hard-linked into place: link() fails when the name exists). A lock whose process is gone,
 * or whose pid now names another process (different start time), was left by a crash and is taken over. Everything
 * an emulator cleans at start or exit (cgroups, attempt directories) is its state dir's, so it does that only while
 * holding this lock: a second start on the same state dir stops here, having changed nothing.
 */
import {randomBytes} from 'node:crypto'
import {linkSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {RuntimeError} from '../errors'
import {processStartTime} from './batch/engine/processes'
import {isSameLiveProcess} from './liveness'

export const INSTANCE_FILE = 'emulator.lock'

/** What the lock holds; `port` and `capacity` are added once the emulator listens. */
export interface InstanceRecord {
  capacity?: {memoryMiB: number; vcpus: number}
  pid: number
  pidStartTime?: string
  port?: number
  startedAt: string
  stateDir: string
}

/** A second emulator on a held state dir: names the one that runs. */
export class StateDirBusyError extends RuntimeError {
  constructor(readonly holder: InstanceRecord) {
    super(busyMessage(holder))
  }
}

export function busyMessage(holder: InstanceRecord): string {
  const port = holder.port === undefined ? 'still starting' : `port ${holder.port}`
  return (
    `the emulator of ${holder.stateDir} is already running (pid ${holder.pid}, ${port}); nothing was changed. ` +
    'Use that one, stop it first (mfbatch emulator stop, or Ctrl-C where it runs in the foreground), or give ' +
    'this one another --state-dir'
  )
}

export interface InstanceLock {
  /** Removes the lock if it is still ours. */
  release(): void
  /** Adds what is known once the server listens. */
  update(fields: Pick<InstanceRecord, 'capacity' | 'port'>): void
}

const lockPath = (stateDir: string): string => join(stateDir, INSTANCE_FILE)

function parse(text: string): InstanceRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<InstanceRecord>
    return typeof value.pid === 'number' && typeof value.stateDir === 'string' ? (value as InstanceRecord) : undefined
  } catch {
    return undefined
  }
}

function readRecord(file: string): InstanceRecord | undefined {
  try {
    return parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const isLive = (record: InstanceRecord): boolean => isSameLiveProcess(record.pid, record.pidStartTime)

/** The running emulator of `stateDir` as its lock records it; undefined when none runs (a stale lock is ignored). */
export function readInstance(stateDir: string): InstanceRecord | undefined {
  const record = readRecord(lockPath(stateDir))
  return record && isLive(record) ? record : undefined
}

/** A whole file at `file`, or EEXIST when the name is taken. */
function createWhole(file: string, record: InstanceRecord): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, {flag: 'wx', mode: 0o600})
  try {
    linkSync(tmp, file)
  } finally {
    rmSync(tmp, {force: true})
  }
}

/**
 * Moves a stale lock out of the way. Renaming first means two takers cannot both delete: the loser's rename fails
 * (ENOENT) or moves a fresh lock, which it then sees is live and puts back.
 */
function takeOver(file: string): void {
  const aside = `${file}.${randomBytes(6).toString('hex')}.stale`
  try {
    renameSync(file, aside)
  } catch {
    return
  }

  const moved = readRecord(aside)
  if (moved && isLive(moved)) {
    try {
      linkSync(aside, file)
    } catch {
      // Someone else's lock is in place meanwhile: the next loop round reads it.
    }
  }

  rmSync(aside, {force: true})
}

/** Takes the state dir for this process; throws StateDirBusyError naming the emulator that holds it. */
export function takeInstanceLock(stateDir: string, now: () => Date = () => new Date()): InstanceLock {
  const file = lockPath(stateDir)
  let record: InstanceRecord = {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid),
    startedAt: now().toISOString(),
    stateDir,
  }
  const ours = (): boolean => {
    const current = readRecord(file)
    return current?.pid === record.pid && current.pidStartTime === record.pidStartTime
  }

  for (let tries = 0; tries < 5; tries++) {
    try {
      createWhole(file, record)
      return {
        release() {
          if (ours()) rmSync(file, {force: true})
        },
        update(fields) {
          if (!ours()) return
          record = {...record, ...fields}
          const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
          writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, {flag: 'wx', mode: 0o600})
          renameSync(tmp, file)
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }

    const holder = readRecord(file)
    if (holder && isLive(holder)) throw new StateDirBusyError(holder)
    takeOver(file)
  }

  throw new RuntimeError(`could not take ${file}: other emulators keep starting on ${stateDir}; try again`)
}
