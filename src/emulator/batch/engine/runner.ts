/**
 * Runs one attempt of a job as a local process. The job's image is ignored: the emulator has no container engine
 * and runs the command on this host, with the job's environment, in a fresh working directory that is removed
 * afterwards (the nearest thing to a container's throw-away file system).
 *
 * The command is run as an argv, never through a shell (a job that wants one asks for `sh -c`), in its own process
 * group. When the main process exits, the rest of its group is killed, as a container's processes die with it.
 */
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import type {LogSink} from '../../contract'

import {LogForwarder} from './log-forwarder'
import {exitCodeOf, signalGroup} from './processes'

export interface AttemptSpec {
  command: string[]
  env: Record<string, string>
  logGroup: string
  logStream: string
}

export interface AttemptResult {
  /** The exit code, 128 + N for a process ended by signal N; absent when the process never started. */
  exitCode?: number
  /** The container's reason, as AWS words it, when the command could not be started. */
  reason?: string
  /** Set when the command could not be started at all. */
  startError?: boolean
}

export interface AttemptHandle {
  readonly pid?: number
  /** Signals the attempt's whole process group. */
  signal(signal: NodeJS.Signals): void
}

export interface AttemptRunner {
  /** Starts an attempt; `onExit` is called once, later (never from inside `start`), after its output is flushed. */
  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle
}

const cannotStart = (command: string | undefined, why: string): AttemptResult => ({
  reason: `CannotStartContainerError: exec: ${JSON.stringify(command ?? '')}: ${why}`,
  startError: true,
})

export class ProcessRunner implements AttemptRunner {
  constructor(
    private readonly logs: LogSink,
    private readonly now: () => number,
    private readonly workRoot: string = path.join(os.tmpdir(), 'mfbatch-jobs'),
  ) {}

  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle {
    this.logs.ensureStream(spec.logGroup, spec.logStream)
    const [file, ...args] = spec.command
    if (file === undefined) {
      // No image here to supply a default command.
      setImmediate(() =>
        onExit(cannotStart(undefined, 'the job has no command and the emulator has no image to take one from')),
      )
      return {signal() {}}
    }

    let cwd: string
    try {
      fs.mkdirSync(this.workRoot, {recursive: true})
      cwd = fs.mkdtempSync(path.join(this.workRoot, 'attempt-'))
    } catch (error) {
      setImmediate(() => onExit(cannotStart(file, `no working directory: ${(error as Error).message}`)))
      return {signal() {}}
    }

    const forwarder = new LogForwarder(this.logs, spec.logGroup, spec.logStream, this.now)
    let finished = false
    const finish = (result: AttemptResult): void => {
      if (finished) return
      finished = true
      forwarder.flush()
      fs.rm(cwd, {force: true, recursive: true}, () => onExit(result))
    }

    let child
    try {
      child = spawn(file, args, {cwd, detached: true, env: spec.env, stdio: ['ignore', 'pipe', 'pipe']})
    } catch (error) {
      setImmediate(() => finish(cannotStart(file, (error as Error).message)))
      return {signal() {}}
    }

    const {pid} = child
    let exit: AttemptResult | undefined
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (text: string) => forwarder.write(0, text))
    child.stderr.on('data', (text: string) => forwarder.write(1, text))
    child.stdout.on('end', () => forwarder.end(0))
    child.stderr.on('end', () => forwarder.end(1))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (pid !== undefined) return // a failed kill() and the like: the process itself is fine
      finish(cannotStart(file, error.code === 'ENOENT' ? 'executable file not found in $PATH' : error.message))
    })
    child.on('exit', (code, signal) => {
      exit = {exitCode: exitCodeOf(code, signal)}
      // The main process is gone: what it left running goes too, and their end closes the pipes.
      if (pid !== undefined) signalGroup(pid, 'SIGKILL')
    })
    child.on('close', (code, signal) => {
      if (pid === undefined) return
      finish(exit ?? {exitCode: exitCodeOf(code, signal)})
    })
    return {
      pid,
      signal(signal: NodeJS.Signals) {
        if (pid !== undefined && !finished) signalGroup(pid, signal)
      },
    }
  }
}
