/**
 * Text that comes from AWS or from a job (log lines, status reasons, names, tags, queue names) is data. Printed raw
 * on a terminal, its escape sequences would act: OSC 52 sets the clipboard, OSC 0 the window title, CSI moves the
 * cursor and erases lines, so a job could paint "SUCCEEDED" over its own failure. On a terminal it is shown inert,
 * as `cat -v` and `less` show it: ESC as `^[`, BEL as `^G`, DEL as `^?`, a C1 control as `M-^[`, and the bidi
 * overrides that reorder what is shown as `<U+202E>`. Tab and newline stay what they are. Raw bytes reach only a
 * pipe, a file and `--json`, where a program reads them (DESIGN.md section 4).
 */

// eslint-disable-next-line no-control-regex -- control characters are what this finds
const ACTIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

function visible(char: string): string {
  const code = char.codePointAt(0)!
  if (code < 0x20) return `^${String.fromCodePoint(code + 0x40)}`
  if (code === 0x7f) return '^?'
  if (code < 0xa0) return `M-^${String.fromCodePoint(code - 0x80 + 0x40)}`
  return `<U+${code.toString(16).toUpperCase()}>`
}

/** The text with every control character other than tab and newline made visible. */
export function inert(text: string): string {
  // Most lines have nothing to replace: test first, so a long log costs one scan per line and no copy.
  ACTIVE.lastIndex = 0
  return ACTIVE.test(text) ? text.replaceAll(ACTIVE, visible) : text
}

/** `inert` on a terminal, the text untouched elsewhere. */
export function shownOn(terminal: boolean): (text: string) => string {
  return terminal ? inert : (text) => text
}

/**
 * A copy of a value from AWS (a JobDetail, a queue overview) with every string in it made inert, so a view built
 * from it cannot print an active control character whichever field it shows. Our own colour is added after.
 */
export function inertCopy<T>(value: T): T {
  if (typeof value === 'string') return inert(value) as T
  if (Array.isArray(value)) return value.map((item) => inertCopy(item)) as T
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inertCopy(item)])) as T
}
