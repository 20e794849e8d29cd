/**
 * The built CLI in a child process whose outputs can be watched while it runs: for Ctrl-C, for an emulator that
 * goes away and comes back, for anything a test must do in the middle of a command.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'

import {cleanEnv, ROOT, RUN} from './emulator'

export interface Ended {
  /** When the process ended (epoch ms). */
  at: number
  code: null | number
  signal: null | string
}

export class Running {
  readonly done: Promise<Ended>
  stderr = ''
  stdout = ''
  private readonly child: ChildProcessWithoutNullStreams

  constructor(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
    this.child = spawn(process.execPath, [RUN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {...cleanEnv(), ...options.env},
    })
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
    })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
    })
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({at: Date.now(), code, signal}))
    })
  }

  /** Ctrl-C. */
  interrupt(): void {
    this.child.kill('SIGINT')
  }

  /** Another signal (SIGTERM: what `kill`, a CI runner or a container stop sends). */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }

  /** Makes sure the process is gone (a test that failed half-way must not leave it behind). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    await this.done
  }

  /** Resolves once stderr (or stdout) matches, or fails after `ms`. */
  async waitFor(pattern: RegExp, {ms = 30_000, stream = 'stderr'}: {ms?: number; stream?: 'stderr' | 'stdout'} = {}) {
    const until = Date.now() + ms
    for (;;) {
      const match = pattern.exec(stream === 'stderr' ? this.stderr : this.stdout)
      if (match) return match
      if (Date.now() > until) throw new Error(`${stream} never matched ${pattern}: ${this.stderr}`)
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => {
        setTimeout(resolve, 50)
      })
    }
  }
}

/** Resolves after `ms`. Only for waiting on a real process (an outage, a job), never for a unit under test. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}

/** The promise's value, or undefined when it takes longer than `ms` (the timer does not outlive the race). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  try {
    return (await Promise.race([promise, late])) ?? undefined
  } finally {
    clearTimeout(timer)
  }
}
