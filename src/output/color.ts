/**
 * One decision about colour for the whole CLI, by the common conventions: `NO_COLOR` (any non-empty value) turns it
 * off, `FORCE_COLOR` turns it on ("0" or "false" turn it off), otherwise colour only on a terminal that is not
 * `TERM=dumb`. A pipe never receives escape codes unless forced.
 */
export interface ColorContext {
  env?: NodeJS.ProcessEnv
  stream?: {isTTY?: boolean}
}

export function colorEnabled({env = process.env, stream = process.stdout}: ColorContext = {}): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase())
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

export type Paint = (text: string) => string

export interface Palette {
  bold: Paint
  cyan: Paint
  dim: Paint
  green: Paint
  red: Paint
  yellow: Paint
}

const CODES: Record<keyof Palette, [number, number]> = {
  bold: [1, 22],
  cyan: [36, 39],
  dim: [2, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
}

/** A palette whose functions colour when `enabled` and return the text untouched otherwise. */
export function palette(enabled: boolean): Palette {
  const make = ([open, close]: [number, number]): Paint =>
    enabled ? (text) => (text ? `\u001B[${open}m${text}\u001B[${close}m` : text) : (text) => text
  return {
    bold: make(CODES.bold),
    cyan: make(CODES.cyan),
    dim: make(CODES.dim),
    green: make(CODES.green),
    red: make(CODES.red),
    yellow: make(CODES.yellow),
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

/** Text without colour codes, for measuring widths and for plain output. */
export function stripAnsi(text: string): string {
  return text.replaceAll(ANSI, '')
}
