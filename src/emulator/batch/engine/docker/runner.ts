/**
 * Runs each attempt as a container of the job's image (`mfbatch emulator --runtime docker`), as the ECS agent does
 * on a Batch compute environment's instance: pull when missing (the job STARTING meanwhile), create with the job's
 * settings (create-args.ts), start, stream its stdout and stderr into the attempt's CloudWatch stream, read how it
 * ended, and remove it once its log is drained.
 *
 * How it ends, as on Batch: the container's exit code; OOMKilled gives 137 and AWS's OutOfMemoryError reason; a
 * refused start is CannotStartContainerError with the daemon's words, a failed pull CannotPullContainerError. The
 * daemon being down or going away ends the attempt with a reason that says so: every call returns (the CLI exits
 * when its connection does), so no job waits on a daemon that is gone.
 */
import {spawn} from 'node:child_process'

import type {LogSink} from '../../../contract'

import {OUT_OF_MEMORY} from '../../reasons'
import {LogForwarder} from '../log-forwarder'
import {AttemptHandle, AttemptResult, AttemptRunner, AttemptSpec} from '../runner'
import {daemonWords, docker, DOCKER, dockerSync} from './cli'
import {createArgs, refusal} from './create-args'
import {writeEnvFile} from './env-file'
import {containerName, labelArgs, stateDirLabel} from './labels'

interface ContainerState {
  Error?: string
  ExitCode?: number
  OOMKilled?: boolean
  StartedAt?: string
}

const failed = (reason: string): AttemptResult => ({reason, startError: true})

/** How long an image found here is taken to be still here. */
const PRESENT_FOR_MS = 60_000

/** Docker's zero time: the container never started. */
const NEVER_STARTED = '0001-01-01T00:00:00Z'

export class DockerRunner implements AttemptRunner {
  /** When each image was last found here. */
  private readonly present = new Map<string, number>()
  /** One pull per image at a time, however many jobs wait for it. */
  private readonly pulls = new Map<string, Promise<AttemptResult | undefined>>()
  /** Containers being removed. */
  private readonly removals = new Set<Promise<unknown>>()

  constructor(
    private readonly logs: LogSink,
    private readonly now: () => number,
    private readonly stateDir: string,
    private readonly say: (line: string) => void,
  ) {}

  /**
   * Removes the containers an earlier emulator of this state dir left (it died mid-attempt; their attempts are
   * reported host-lost), and only those. Waited for: at start, before any attempt of this emulator exists.
   */
  clean(): void {
    const found = dockerSync(['ps', '--all', '--quiet', '--filter', `label=${stateDirLabel(this.stateDir)}`])
    if (found.code !== 0) {
      this.say(`mfbatch emulator: docker runtime: cannot list earlier containers: ${daemonWords(found.stderr)}`)
      return
    }

    const ids = found.stdout.split('\n').filter((id) => id !== '')
    if (ids.length === 0) return
    const removed = dockerSync(['rm', '--force', '--volumes', ...ids])
    this.say(
      removed.code === 0
        ? `mfbatch emulator: docker runtime: removed ${ids.length} container(s) an earlier run of this state dir left`
        : `mfbatch emulator: docker runtime: could not remove earlier containers: ${daemonWords(removed.stderr)}`,
    )
  }

  /** Makes sure the image is here, pulling it when missing; says why not when it cannot be had. */
  prepare(image: string, done: (failure?: AttemptResult) => void): void {
    // Seen here a moment ago: no need to ask again (an image removed since fails the create, with Docker's words).
    if ((this.present.get(image) ?? 0) > this.now() - PRESENT_FOR_MS) {
      done()
      return
    }

    let pull = this.pulls.get(image)
    if (!pull) {
      pull = this.ensureImage(image).then((failure) => {
        if (!failure) this.present.set(image, this.now())
        return failure
      })
      pull.finally(() => this.pulls.delete(image)).catch(() => {})
      this.pulls.set(image, pull)
    }

    pull.then(done, (error: Error) => done(failed(`CannotPullContainerError: ${error.message}`)))
  }

  /** Waits for the removals under way: the emulator stops without leaving ended containers behind. */
  async settle(): Promise<void> {
    await Promise.all(this.removals)
  }

  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle {
    this.logs.ensureStream(spec.logGroup, spec.logStream)
    const attempt = spec.container
    const refused = attempt ? refusal(attempt.properties) : 'the attempt names no image'
    if (!attempt || refused !== undefined) {
      setImmediate(() => onExit(failed(`CannotStartContainerError: ${refused}`)))
      return {signal() {}}
    }

    const name = containerName(attempt.attemptId)
    let signalled: NodeJS.Signals | undefined
    let running = false
    const run = async (): Promise<AttemptResult> => {
      const envFile = writeEnvFile(spec.env)
      const created = await docker(
        createArgs({
          attempt,
          command: spec.command,
          extra: ['--pull', 'never', ...labelArgs(this.stateDir, attempt.jobId, attempt.attemptId), ...envFile.args],
          memory: spec.memory,
          name,
        }),
        {env: {...process.env, ...envFile.cliEnv}},
      ).finally(() => envFile.remove())
      if (created.code !== 0) {
        if (/no such image/i.test(created.stderr)) this.present.delete(attempt.image)
        return failed(`CannotCreateContainerError: ${daemonWords(created.stderr)}`)
      }

      try {
        // Stopped before it started (terminated while being created): it never runs.
        if (signalled) return {exitCode: 128 + signalNumber(signalled)}
        const started = await docker(['start', name])
        if (started.code !== 0) {
          const state = await this.state(name)
          const why = 'why' in state || !state.Error ? daemonWords(started.stderr) : state.Error
          return failed(`CannotStartContainerError: ${why}`)
        }

        running = true
        if (signalled) docker(['kill', '--signal', signalled, name])
        await this.drainLog(name, spec)
        running = false
        return await this.result(name)
      } finally {
        running = false
        // Its log is drained and its end read: the attempt ends without waiting for the removal (settle() does).
        const removal = docker(['rm', '--force', '--volumes', name])
        this.removals.add(removal)
        removal.finally(() => this.removals.delete(removal))
      }
    }

    run().then(onExit, (error: Error) => onExit(failed(`CannotStartContainerError: ${error.message}`)))
    return {
      signal(signal: NodeJS.Signals) {
        signalled = signal
        // A kill that fails (the container has just ended) changes nothing.
        if (running) docker(['kill', '--signal', signal, name])
      },
    }
  }

  /** Streams the container's stdout and stderr, from its start, until it ends (or the daemon goes). */
  private drainLog(name: string, spec: AttemptSpec): Promise<void> {
    const forwarder = new LogForwarder(this.logs, spec.logGroup, spec.logStream, this.now)
    return new Promise((resolve) => {
      const child = spawn(DOCKER, ['logs', '--follow', name], {stdio: ['ignore', 'pipe', 'pipe']})
      child.stdout.setEncoding('utf8').on('data', (text: string) => forwarder.write(0, text))
      child.stderr.setEncoding('utf8').on('data', (text: string) => forwarder.write(1, text))
      child.stdout.on('end', () => forwarder.end(0))
      child.stderr.on('end', () => forwarder.end(1))
      const done = (): void => {
        forwarder.flush()
        resolve()
      }

      child.on('error', done)
      child.on('close', done)
    })
  }

  private async ensureImage(image: string): Promise<AttemptResult | undefined> {
    const found = await docker(['image', 'inspect', '--format', '{{.Id}}', image])
    if (found.code === 0) return undefined
    if (!/no such image/i.test(found.stderr)) return failed(`CannotStartContainerError: ${daemonWords(found.stderr)}`)
    this.say(`mfbatch emulator: docker runtime: pulling ${image}`)
    const pulled = await docker(['pull', image], {}, (line) => this.say(`mfbatch emulator: docker pull: ${line}`))
    if (pulled.code === 0) return undefined
    return failed(`CannotPullContainerError: ${daemonWords(pulled.stderr)}`)
  }

  private async result(name: string): Promise<AttemptResult> {
    const state = await this.state(name)
    if ('why' in state) return {reason: `CannotInspectContainerError: ${state.why}`}
    const exitCode = state.ExitCode ?? 0
    return state.OOMKilled && exitCode !== 0 ? {exitCode, reason: OUT_OF_MEMORY} : {exitCode}
  }

  private async state(name: string): Promise<ContainerState | {why: string}> {
    const inspected = await docker(['inspect', '--type', 'container', '--format', '{{json .State}}', name])
    if (inspected.code !== 0) return {why: daemonWords(inspected.stderr)}
    try {
      const state = JSON.parse(inspected.stdout) as ContainerState
      return state.StartedAt === NEVER_STARTED && !state.Error
        ? {...state, Error: 'the container never started'}
        : state
    } catch {
      return {why: `docker inspect answered ${JSON.stringify(inspected.stdout.slice(0, 200))}`}
    }
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : 15
}
