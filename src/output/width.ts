import {stripAnsi} from './color'

/**
 * How many terminal columns text takes, as a terminal draws it: colour codes take none, combining marks and
 * zero-width characters none, East Asian wide and fullwidth characters (CJK, most emoji) two, everything else one.
 */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0)!)
  return width
}

/** The rows a line takes on a terminal `columns` wide once it wraps; an empty line still takes one. */
export function wrappedRows(line: string, columns: number): number {
  return Math.max(1, Math.ceil(displayWidth(line) / Math.max(1, columns)))
}

/**
 * The line cut to `columns` terminal columns with "…" at the end, so it never wraps. A line that fits is returned
 * as it is; a cut one loses its colour rather than leave a colour code unclosed.
 */
export function fitLine(line: string, columns: number): string {
  if (displayWidth(line) <= columns) return line
  let kept = ''
  let width = 0
  for (const char of stripAnsi(line)) {
    const next = charWidth(char.codePointAt(0)!)
    if (width + next > columns - 1) break
    kept += char
    width += next
  }

  return `${kept}…`
}

/**
 * A line for people, wrapped between words to fit `columns` instead of where the terminal would split a word. The
 * lines after the first start with `hang` (by default two spaces more than the line's own indentation); a word wider
 * than the terminal (a job id, a URL) is kept whole on its own line, so it can still be copied.
 */
export function wrapWords(line: string, columns: number, hang?: string): string[] {
  if (displayWidth(line) <= columns) return [line]
  const lead = /^\s*/.exec(line)![0]
  const indent = hang ?? `${lead}  `
  const lines: string[] = []
  let current = lead
  for (const word of line.slice(lead.length).split(' ')) {
    const empty = current.trim() === ''
    const candidate = empty ? `${current}${word}` : `${current} ${word}`
    if (empty || displayWidth(candidate) <= columns) current = candidate
    else {
      lines.push(current)
      current = `${indent}${word}`
    }
  }

  lines.push(current)
  return lines
}

/** A row of a two-column table in help text: `NAME    what it does` (often indented), its text at a column. */
const TABLE_ROW = /^( *\S+(?: \S+)*? {2,})\S/

/**
 * Help text wrapped to `columns` with its indentation kept: a table row (`  MFBATCH_CACHE_DIR   where ...`, `  125
 * mfbatch itself failed`) continues under its second column, any other indented line under its own indentation.
 */
export function wrapHelpText(text: string, columns: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const row = TABLE_ROW.exec(line)
      const hang = row ? ' '.repeat(displayWidth(row[1])) : /^\s*/.exec(line)![0]
      return wrapWords(line.trimEnd(), columns, hang)
    })
    .join('\n')
}

/** A note on stderr (or `stream`): wrapped between words when it is a terminal of known width. */
export function writeNote(line: string, stream: NodeJS.WritableStream = process.stderr): void {
  const {columns, isTTY} = stream as {columns?: number; isTTY?: boolean}
  stream.write(`${isTTY && columns ? wrapWords(line, columns).join('\n') : line}\n`)
}

function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0
  if (within(code, ZERO_WIDTH)) return 0
  return within(code, WIDE) ? 2 : 1
}

/** Combining marks, zero-width spaces and joiners, direction marks, variation selectors. */
const ZERO_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x3_00, 0x3_6f],
  [0x20_0b, 0x20_0f],
  [0xfe_00, 0xfe_0f],
  [0x1a_b0, 0x1a_ff],
  [0x20_d0, 0x20_ff],
]

/** East Asian Wide (W) and Fullwidth (F) ranges of Unicode's EastAsianWidth.txt, merged, plus the emoji blocks. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x11_00, 0x11_5f],
  [0x23_1a, 0x23_1b],
  [0x23_29, 0x23_2a],
  [0x23_e9, 0x23_ec],
  [0x25_fd, 0x25_fe],
  [0x26_14, 0x26_15],
  [0x26_48, 0x26_53],
  [0x26_aa, 0x26_ab],
  [0x26_bd, 0x26_be],
  [0x26_c4, 0x26_c5],
  [0x27_05, 0x27_05],
  [0x27_0a, 0x27_0b],
  [0x27_53, 0x27_55],
  [0x27_95, 0x27_97],
  [0x2b_1b, 0x2b_1c],
  [0x2e_80, 0x30_3e],
  [0x30_41, 0x33_ff],
  [0x34_00, 0x4d_bf],
  [0x4e_00, 0x9f_ff],
  [0xa0_00, 0xa4_cf],
  [0xa9_60, 0xa9_7f],
  [0xac_00, 0xd7_a3],
  [0xf9_00, 0xfa_ff],
  [0xfe_10, 0xfe_19],
  [0xfe_30, 0xfe_6f],
  [0xff_00, 0xff_60],
  [0xff_e0, 0xff_e6],
  [0x1_f3_00, 0x1_f6_4f],
  [0x1_f6_80, 0x1_f6_ff],
  [0x1_f9_00, 0x1_f9_ff],
  [0x2_00_00, 0x3_ff_fd],
]

function within(code: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return ranges.some(([first, last]) => code >= first && code <= last)
}
