/**
 * The built CLI on a pseudo-terminal of a given size (`script` from util-linux gives it one, as a user's shell
 * would), and a tiny terminal emulator that turns what it printed into the screen a user would see: enough of VT100
 * for what mfbatch writes (CR, LF, auto-wrap at the right margin, wide characters, cursor up, clear line, clear
 * screen below; colour codes are skipped).
 */
import {spawn} from 'node:child_process'

import {cleanEnv, ROOT, RUN} from './emulator'

export interface TerminalRun {
  code: number
  /** stdout and stderr as the terminal received them (a pseudo-terminal has one stream). */
  output: string
}

export interface TerminalOptions {
  columns: number
  env?: Record<string, string>
  rows: number
  timeoutMs?: number
}

const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`

/** Runs `mfbatch ...args` on a pseudo-terminal `columns` x `rows`; stdin is the terminal too, never typed on. */
export function runOnTerminal(args: readonly string[], options: TerminalOptions): Promise<TerminalRun> {
  const command = `stty cols ${options.columns} rows ${options.rows}; exec ${[process.execPath, RUN, ...args].map((arg) => quote(arg)).join(' ')}`
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: {...cleanEnv(), CI: '1', TERM: 'xterm-256color', ...options.env},
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`mfbatch ${args.join(' ')} on a terminal did not finish: ${output}`))
    }, options.timeoutMs ?? 60_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({code: code ?? -1, output})
    })
  })
}

/** Whether a code point takes two cells (the CJK and emoji ranges the CLI measures the same way). */
function wide(code: number): boolean {
  return (
    (code >= 0x11_00 && code <= 0x11_5f) ||
    (code >= 0x2e_80 && code <= 0xa4_cf) ||
    (code >= 0xac_00 && code <= 0xd7_a3) ||
    (code >= 0xf9_00 && code <= 0xfa_ff) ||
    (code >= 0xff_00 && code <= 0xff_60) ||
    (code >= 0x1_f3_00 && code <= 0x1_f9_ff)
  )
}

/** A terminal's cells and cursor; the cursor moves up only within the last `rows` rows, as on a real terminal. */
class Screen {
  private readonly buffer: string[][] = [[]]
  private column = 0
  private pendingWrap = false
  private row = 0

  constructor(
    private readonly columns: number,
    private readonly rows: number,
  ) {}

  /** A CSI sequence: cursor up (A), previous line (F), erase in line (K), erase below (J); others (colour) do nothing. */
  control(parameter: string, final: string): void {
    const n = Number(parameter || '1')
    this.pendingWrap = false
    if (final === 'A' || final === 'F') {
      this.row = Math.max(Math.max(0, this.buffer.length - this.rows), this.row - n)
      if (final === 'F') this.column = 0
    } else if (final === 'K') {
      this.line().splice(this.column)
    } else if (final === 'J' && (parameter === '' || parameter === '0')) {
      this.line().splice(this.column)
      for (let below = this.row + 1; below < this.buffer.length; below++) this.buffer[below] = []
    }
  }

  print(char: string): void {
    if (char === '\r') {
      this.column = 0
      this.pendingWrap = false
    } else if (char === '\n') {
      this.row++
      this.pendingWrap = false
      this.line()
    } else if (char >= ' ') {
      this.put(char, wide(char.codePointAt(0)!) ? 2 : 1)
    }
  }

  text(): string[] {
    const text = this.buffer.map((cells) => cells.join('').trimEnd())
    while (text.length > 0 && text.at(-1) === '') text.pop()
    return text
  }

  private line(): string[] {
    while (this.buffer.length <= this.row) this.buffer.push([])
    return this.buffer[this.row]
  }

  /** Auto-wrap: a character that does not fit on the row goes to the start of the next one. */
  private put(char: string, width: number): void {
    if (this.pendingWrap || this.column + width > this.columns) {
      this.row++
      this.column = 0
      this.pendingWrap = false
    }

    const cells = this.line()
    while (cells.length < this.column) cells.push(' ')
    cells[this.column] = char
    if (width === 2) cells[this.column + 1] = ''
    this.column += width
    if (this.column >= this.columns) {
      this.column = this.columns - 1
      this.pendingWrap = true
    }
  }
}

// eslint-disable-next-line no-control-regex -- escape sequences are what this reads
const CSI = /^\u001B\[([?\d;]*)([A-Za-z])/

/**
 * The screen after `output`, as text: one string per row from the top of the scrolled-back buffer, trailing
 * blanks and trailing empty rows removed.
 */
export function screenAfter(output: string, {columns, rows}: {columns: number; rows: number}): string[] {
  const screen = new Screen(columns, rows)
  const chars = [...output]
  for (let i = 0; i < chars.length; i++) {
    const csi = chars[i] === '\u001B' ? CSI.exec(chars.slice(i, i + 32).join('')) : null
    if (csi) {
      screen.control(csi[1], csi[2])
      i += csi[0].length - 1
    } else {
      screen.print(chars[i])
    }
  }

  return screen.text()
}
