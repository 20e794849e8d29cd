/**
 * Progress on stderr. A real spinner (ora, ESM-only, loaded only when shown: it costs ~120 ms) runs only when stderr
 * is a terminal, `CI` is unset, `TERM` is not `dumb` and the command is not under `--json`/`--quiet`. Otherwise the
 * spinner does nothing, and `note()` lines still reach stderr so a log file keeps them.
 */
import {colorEnabled} from './color'
import {writeNote} from './width'

export interface Spinner {
  /** A line on stderr that stays (a status change, a warning), printed without breaking the spinner. */
  note(line: string): void
  /** Stops and erases the spinner. Safe to call twice. */
  stop(): void
  /** Replaces the spinner's text. */
  update(text: string): void
}

export interface SpinnerContext {
  env?: NodeJS.ProcessEnv
  /** `--json` or `--quiet`: no spinner, and `note()` prints nothing either. */
  silent?: boolean
  stream?: NodeJS.WriteStream
}

export function spinnerAllowed({env = process.env, silent = false, stream = process.stderr}: SpinnerContext): boolean {
  return !silent && Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb'
}

/** The glyph's colour: cyan, or none where colour is off (NO_COLOR, FORCE_COLOR=0), like every other colour. */
export function spinnerColor({env = process.env, stream = process.stderr}: SpinnerContext): 'cyan' | false {
  return colorEnabled({env, stream}) ? 'cyan' : false
}

export async function startSpinner(text: string, context: SpinnerContext = {}): Promise<Spinner> {
  const stream = context.stream ?? process.stderr
  if (!spinnerAllowed(context)) {
    return {
      note(line) {
        if (!context.silent) writeNote(line, stream)
      },
      stop() {},
      update() {},
    }
  }

  const {default: ora} = await import('ora')
  // discardStdin would swallow a confirmation prompt's answer; we never need the keystrokes hidden.
  const spinner = ora({color: spinnerColor(context), discardStdin: false, isEnabled: true, stream, text}).start()
  return {
    note(line) {
      spinner.clear()
      writeNote(line, stream)
      spinner.render()
    },
    stop() {
      if (spinner.isSpinning) spinner.stop()
    },
    update(next) {
      spinner.text = next
    },
  }
}
