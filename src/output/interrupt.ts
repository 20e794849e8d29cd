/**
 * Ctrl-C while a command waits on a job. The job is AWS's, not ours: the first SIGINT aborts the waiting loops and
 * lets the command say how to re-attach (and terminate the job first if asked), then it leaves with 130. A second
 * SIGINT leaves at once, so nobody has to reach for kill -9.
 */
import {ExitCode} from '../exit-codes'

export interface Interrupt {
  /** Stops listening; call when the wait is over. */
  dispose(): void
  /** Resolves on the first SIGINT. */
  interrupted: Promise<'interrupted'>
  /** Aborted on the first SIGINT: pass it to loops and sleeps. */
  signal: AbortSignal
}

let sawInterrupt = false

/**
 * Whether Ctrl-C has ended a wait in this process. Once the command has said its piece it leaves at once (see
 * BaseCommand.finally): a call still retrying under throttling must not hold the process for seconds.
 */
export function wasInterrupted(): boolean {
  return sawInterrupt
}

export function onInterrupt(exit: (code: number) => void = (code) => process.exit(code)): Interrupt {
  const controller = new AbortController()
  let resolve!: (value: 'interrupted') => void
  const interrupted = new Promise<'interrupted'>((r) => {
    resolve = r
  })
  const handler = (): void => {
    if (controller.signal.aborted) {
      exit(ExitCode.Interrupted)
      return
    }

    sawInterrupt = true
    controller.abort()
    resolve('interrupted')
  }

  process.on('SIGINT', handler)
  return {
    dispose: () => process.off('SIGINT', handler),
    interrupted,
    signal: controller.signal,
  }
}

/** The exit code of each signal that ends a command that is writing files. */
const SIGNAL_EXIT = {SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated} as const

/**
 * While files are written (a download of outputs): Ctrl-C or SIGTERM says `line` on stderr and leaves at once with
 * 130 or 143. Leaving runs the process's `exit` listeners, where the writer removes its temporary files
 * (batch/outputs/partial-files.ts): a file is whole or absent, never half written. Dispose once the files are placed.
 */
export function leaveOnSignal(line: string): {dispose(): void} {
  const handlers = Object.entries(SIGNAL_EXIT).map(([signal, code]) => {
    const handler = (): void => {
      sawInterrupt = true
      process.stderr.write(`${line}\n`)
      process.exit(code)
    }

    process.on(signal, handler)
    return () => process.off(signal, handler)
  })
  return {
    dispose() {
      for (const off of handlers) off()
    },
  }
}
