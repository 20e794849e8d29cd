/**
 * Runs one attempt of a job as a local process. The job's image is ignored: the emulator has no container engine
 * and runs the command on this host, with the job's environment, in a fresh private working directory outside the
 * state dir that is removed afterwards (the nearest thing to a container's throw-away file system).
 *
 * The command is run as an argv, never through a shell (a job that wants one asks for `sh -c`), in its own process
 * group and in its own limit group (limits/): a cgroup where the machine allows one, which holds the memory limit
 * and everything the job started, `setsid` children included. When the main process exits, the rest of its group
 * is killed, as a container's processes die with it, and so is any process that still carries the attempt's
 * marker variable (one that left both groups).
 */
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import path from 'node:path'

import type {LogSink} from '../../contract'
import type {ContainerAttempt} from './docker/create-args'

import {OUT_OF_MEMORY} from '../reasons'
import {resolveExecutable} from './executable'
import {AttemptGroup, LimitMechanism, MemoryLimit} from './limits/types'
import {LogForwarder} from './log-forwarder'
import {exitCodeOf, signalGroup, signalMarked} from './processes'
import {AttemptDirs} from './workdir'

export interface AttemptSpec {
  command: string[]
  /** What a container runtime needs besides the command and environment; the process runtime does without. */
  container?: ContainerAttempt
  env: Record<string, string>
  logGroup: string
  logStream: string
  /**
   * A `NAME=value` entry of `env` that only this attempt has: its processes that left every group are found by it
   * and killed with the attempt.
   */
  marker?: string
  /** The container's hard memory limit (MEMORY, plus maxSwap of swap). */
  memory: MemoryLimit
  /** A privileged container keeps every capability: no lockdown. */
  privileged?: boolean
}

export interface AttemptResult {
  /** The exit code, 128 + N for a process ended by signal N; absent when the process never started. */
  exitCode?: number
  /** The container's reason, as AWS words it: the command could not be started, or memory ran out. */
  reason?: string
  /** Set when the command could not be started at all. */
  startError?: boolean
}

export interface AttemptHandle {
  readonly pid?: number
  /** Signals everything the attempt started. */
  signal(signal: NodeJS.Signals): void
}

export interface AttemptRunner {
  /** Removes what an earlier emulator of the same state dir left running (a container runtime's containers). */
  clean?(): void
  /**
   * Makes the attempt's image ready (a container runtime pulls it when missing) while the job stays STARTING;
   * `done` gets the reason the attempt cannot start, or nothing.
   */
  prepare?(image: string, done: (failure?: AttemptResult) => void): void
  /** Resolves once what the runner still does after its attempts have ended (removing containers) is done. */
  settle?(): Promise<void>
  /** Starts an attempt; `onExit` is called once, later (never from inside `start`), after its output is flushed. */
  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle
}

/** How long the pipes may stay open after the main process is gone, before the attempt ends without them. */
const PIPE_DRAIN_MS = 2000

const cannotStart = (command: string | undefined, why: string): AttemptResult => ({
  reason: `CannotStartContainerError: exec: ${JSON.stringify(command ?? '')}: ${why}`,
  startError: true,
})

const NOTHING: AttemptHandle = {signal() {}}

/** A few passes: a marked process may fork while /proc is read. One pass costs about 5 ms with 130 processes. */
function killMarked(marker: string | undefined): void {
  if (marker === undefined) return
  for (let pass = 0; pass < 3 && signalMarked(marker, 'SIGKILL') > 0; pass++);
}

export class ProcessRunner implements AttemptRunner {
  constructor(
    private readonly logs: LogSink,
    private readonly now: () => number,
    /** Where each attempt gets its private working directory (see workdir.ts). */
    private readonly dirs: AttemptDirs,
    private readonly limits: LimitMechanism,
  ) {}

  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle {
    this.logs.ensureStream(spec.logGroup, spec.logStream)
    const [file, ...args] = spec.command
    if (file === undefined) {
      // No image here to supply a default command.
      setImmediate(() =>
        onExit(cannotStart(undefined, 'the job has no command and the emulator has no image to take one from')),
      )
      return NOTHING
    }

    let cwd: string
    try {
      cwd = this.dirs.make()
    } catch (error) {
      setImmediate(() => onExit(cannotStart(file, `no working directory: ${(error as Error).message}`)))
      return NOTHING
    }

    const forwarder = new LogForwarder(this.logs, spec.logGroup, spec.logStream, this.now)
    let group: AttemptGroup | undefined
    let finished = false
    const finish = (result: AttemptResult): void => {
      if (finished) return
      finished = true
      forwarder.flush()
      // Nothing more is written to this stream: readers may stop at its end without a grace period.
      this.logs.endStream(spec.logGroup, spec.logStream)
      const closed = group ? group.close() : Promise.resolve()
      closed.then(
        () => fs.rm(cwd, {force: true, recursive: true}, () => onExit(result)),
        () => onExit(result),
      )
    }

    const resolved = resolveExecutable(file, spec.env.PATH, cwd)
    if ('why' in resolved) {
      setImmediate(() => finish(cannotStart(file, resolved.why)))
      return NOTHING
    }

    let child
    try {
      group = this.limits.create(path.basename(cwd), spec.memory)
      const {lockdown} = this.limits
      const command = lockdown && !spec.privileged ? lockdown.wrap(resolved.file, args) : {args, file: resolved.file}
      const launch = group.launch(command.file, command.args)
      child = spawn(launch.file, launch.args, {cwd, detached: true, env: spec.env, stdio: ['ignore', 'pipe', 'pipe']})
    } catch (error) {
      setImmediate(() => finish(cannotStart(file, (error as Error).message)))
      return NOTHING
    }

    const {pid} = child
    const attemptGroup = group
    if (pid !== undefined) attemptGroup.started(pid)
    let exit: AttemptResult | undefined
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (text: string) => forwarder.write(0, text))
    child.stderr.on('data', (text: string) => forwarder.write(1, text))
    child.stdout.on('end', () => forwarder.end(0))
    child.stderr.on('end', () => forwarder.end(1))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (pid !== undefined) return // a failed kill() and the like: the process itself is fine
      finish(cannotStart(file, error.message))
    })
    child.on('exit', (code, signal) => {
      exit = {exitCode: exitCodeOf(code, signal)}
      // The main process is gone: what it left running goes too, and their end closes the pipes.
      if (pid !== undefined) signalGroup(pid, 'SIGKILL')
      attemptGroup.signal('SIGKILL')
      killMarked(spec.marker)
      // A process that escaped every kill (one the watchdog never saw, or none can be made) may still hold the
      // pipes open: the attempt ends anyway once its output has had a moment to drain.
      setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
      }, PIPE_DRAIN_MS).unref()
    })
    child.on('close', (code, signal) => {
      if (pid === undefined) return
      const result = exit ?? {exitCode: exitCodeOf(code, signal)}
      // Docker reports OOMKilled when any process of the container was killed for memory; ECS then gives this reason.
      if (result.exitCode !== 0 && attemptGroup.oomKilled()) result.reason = OUT_OF_MEMORY
      finish(result)
    })
    return {
      pid,
      signal(signal: NodeJS.Signals) {
        if (pid === undefined || finished) return
        signalGroup(pid, signal)
        attemptGroup.signal(signal)
        if (signal === 'SIGKILL') killMarked(spec.marker)
        else if (spec.marker !== undefined) signalMarked(spec.marker, signal)
      },
    }
  }
}
