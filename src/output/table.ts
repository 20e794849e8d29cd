import {stripAnsi} from './color'

/**
 * Rows for people and rows for programs, like `gh`: on a terminal an aligned table with a header, trimmed to the
 * terminal's width; in a pipe one line per row with plain tab-separated fields and no header, so `cut -f1` and
 * `while read` work without skipping a line. Pipe fields never hold tabs, newlines or colour.
 */
export interface Column<R> {
  /** Printed in upper case above the column on a terminal. */
  header: string
  /** The column may be cut with "…" to fit the terminal (the free-text reason, say). */
  shrink?: boolean
  /** The field's text; may carry colour, which is measured correctly and removed in a pipe. */
  value: (row: R) => string
}

export interface TableOptions {
  /** Terminal width; without it nothing is cut. */
  columns?: number
  /** Styles the header on a terminal (bold or dim). */
  header?: (text: string) => string
  /** Whether stdout is a terminal. */
  tty: boolean
}

const GAP = '  '

/** One field for a pipe: no colour, and whitespace that would split a record turned into a single space. */
export function plainField(text: string): string {
  return stripAnsi(text).replaceAll(/[\t\n\r]+/g, ' ')
}

/** The lines to print, without trailing newlines. */
export function renderTable<R>(columns: ReadonlyArray<Column<R>>, rows: readonly R[], options: TableOptions): string[] {
  if (!options.tty) return rows.map((row) => columns.map((column) => plainField(column.value(row))).join('\t'))
  const cells = rows.map((row) => columns.map((column) => column.value(row).replaceAll(/[\t\n\r]+/g, ' ')))
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => stripAnsi(line[i]).length)),
  )
  fitWidths(columns, widths, options.columns)
  const header = options.header ?? ((text: string) => text)
  const lines = [columns.map((column, i) => pad(header(column.header.toUpperCase()), widths[i])).join(GAP)]
  for (const line of cells) lines.push(line.map((cell, i) => pad(cut(cell, widths[i]), widths[i])).join(GAP))
  return lines.map((line) => line.trimEnd())
}

/** Shrinks the `shrink` columns, widest first, until the table fits `limit` (never below 8 characters each). */
function fitWidths<R>(columns: ReadonlyArray<Column<R>>, widths: number[], limit?: number): void {
  if (!limit) return
  const total = (): number => widths.reduce((sum, width) => sum + width, 0) + GAP.length * (widths.length - 1)
  const shrinkable = columns.map((column, i) => (column.shrink ? i : -1)).filter((i) => i >= 0)
  while (total() > limit) {
    const widest = shrinkable.filter((i) => widths[i] > 8).sort((a, b) => widths[b] - widths[a])[0]
    if (widest === undefined) return
    widths[widest] = Math.max(8, widths[widest] - (total() - limit))
  }
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stripAnsi(text).length))
}

/** Cuts to `width` visible characters with "…"; colour is dropped from a cut cell rather than left unclosed. */
function cut(text: string, width: number): string {
  const plain = stripAnsi(text)
  if (plain.length <= width) return text
  return `${plain.slice(0, Math.max(0, width - 1))}…`
}

/**
 * A detail view: "Label  value" lines aligned on a terminal, `label<TAB>value` in a pipe. A multi-line value keeps
 * its lines, indented under the value column on a terminal.
 */
export function renderPairs(pairs: ReadonlyArray<[string, string]>, options: TableOptions): string[] {
  if (!options.tty) return pairs.map(([label, value]) => `${plainField(label)}\t${plainField(value)}`)
  const width = Math.max(0, ...pairs.map(([label]) => label.length)) + 1
  const header = options.header ?? ((text: string) => text)
  return pairs.flatMap(([label, value]) => {
    const [first, ...rest] = value.split('\n')
    const indent = ' '.repeat(width + GAP.length)
    return [`${pad(header(`${label}:`), width)}${GAP}${first}`.trimEnd(), ...rest.map((line) => indent + line)]
  })
}
