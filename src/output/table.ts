import {stripAnsi} from './color'
import {fitLine} from './width'

/**
 * Rows for people and rows for programs, like `gh`: on a terminal an aligned table with a header, sized to the
 * terminal's width; in a pipe one line per row with plain tab-separated fields and no header, so `cut -f1` and
 * `while read` work without skipping a line. Pipe fields never hold tabs, newlines or colour.
 *
 * A table wider than the terminal is never left for the terminal to wrap (which splits words: `CREAT` / `ED`). The
 * least useful columns give way first: shrinkable ones are cut with "…" (at a word's end where one is near), down to
 * their minimum, least useful first; then whole columns are left out in their `drop` order. A header is never cut.
 */
export interface Column<R> {
  /**
   * When shrinking is not enough, the column is left out on a terminal: 1 first, then 2, ... Without it the column
   * always shows. A pipe always has every column.
   */
  drop?: number
  /** Printed in upper case above the column on a terminal. */
  header: string
  /** The narrowest a shrinkable column is cut to (default 8, never below its header). */
  min?: number
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
  const natural = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => stripAnsi(line[i]).length)),
  )
  const {shown, widths} = fitColumns(columns, natural, options.columns)
  const header = options.header ?? ((text: string) => text)
  const lines = [shown.map((i) => pad(header(columns[i].header.toUpperCase()), widths[i])).join(GAP)]
  for (const line of cells) lines.push(shown.map((i) => pad(cut(line[i], widths[i]), widths[i])).join(GAP))
  const trimmed = lines.map((line) => line.trimEnd())
  // Columns that cannot go and still do not fit: cut each line rather than let the terminal wrap it.
  const limit = options.columns
  return limit && tableWidth(shown, widths) > limit ? trimmed.map((line) => fitLine(line, limit)) : trimmed
}

const tableWidth = (shown: readonly number[], widths: readonly number[]): number =>
  shown.reduce((sum, i) => sum + widths[i], 0) + GAP.length * Math.max(0, shown.length - 1)

/** Which columns show, and how wide each is, for a terminal `limit` columns wide (no limit: all, at full width). */
export function fitColumns<R>(
  columns: ReadonlyArray<Column<R>>,
  natural: readonly number[],
  limit?: number,
): {shown: number[]; widths: number[]} {
  let shown = columns.map((_, i) => i)
  for (;;) {
    const widths = [...natural]
    if (!limit) return {shown, widths}
    shrinkToFit(columns, shown, widths, limit)
    const droppable = shown.filter((i) => columns[i].drop !== undefined)
    if (tableWidth(shown, widths) <= limit || droppable.length === 0) return {shown, widths}
    const first = droppable.sort((a, b) => columns[a].drop! - columns[b].drop!)[0]
    shown = shown.filter((i) => i !== first)
  }
}

/** Cuts the shown shrinkable columns, least useful (lowest `drop`) first, each down to its minimum, until they fit. */
function shrinkToFit<R>(columns: ReadonlyArray<Column<R>>, shown: readonly number[], widths: number[], limit: number) {
  const rank = (i: number): number => columns[i].drop ?? Number.POSITIVE_INFINITY
  const order = shown.filter((i) => columns[i].shrink).sort((a, b) => rank(a) - rank(b) || widths[b] - widths[a])
  for (const i of order) {
    const over = tableWidth(shown, widths) - limit
    if (over <= 0) return
    const floor = Math.max(columns[i].min ?? 8, columns[i].header.length)
    widths[i] = Math.max(Math.min(widths[i], floor), widths[i] - over)
  }
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stripAnsi(text).length))
}

/**
 * Cuts to `width` visible characters with "…", at the end of a word when one ends in the last third ("Essential
 * container…", not "Essential containe…"); colour is dropped from a cut cell rather than left unclosed.
 */
export function cut(text: string, width: number): string {
  const plain = stripAnsi(text)
  if (plain.length <= width) return text
  const kept = plain.slice(0, Math.max(0, width - 1))
  const space = kept.lastIndexOf(' ')
  return space >= (width * 2) / 3 ? `${kept.slice(0, space).trimEnd()}…` : `${kept}…`
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
