/**
 * `--tasks FILE`: a table with a header row, one array child per data row (DESIGN.md section 12). TSV (fields split
 * on tabs, no quoting, as dsub reads its tasks files) or CSV (RFC 4180: fields in double quotes may hold commas,
 * line breaks and doubled quotes). `.tsv` and `.csv` say which; any other name is read by its header line (a tab
 * in it: TSV). Header names become environment variable names, so they must be shell names, and none of the
 * variables AWS Batch or mfbatch set. Every problem is one InputError naming the flag, the file and the line.
 */
import {InputError} from '../../errors'

/** AWS Batch's own limit on an array job's size. */
export const MAX_TASK_ROWS = 10_000
const NAME = /^[A-Z_a-z]\w*$/
/** Set by AWS Batch, the emulator or mfbatch's own wrappers: a row cannot replace them. */
const RESERVED = /^(?:AWS_BATCH_|MFBATCH_|ECS_)/

export interface TaskTable {
  names: string[]
  /** One value per name, in the header's order. */
  rows: string[][]
}

interface TableRecord {
  cells: string[]
  /** The line the record starts on, from 1. */
  line: number
}

export type TableFormat = 'csv' | 'tsv'

/** By extension, else by the header line. */
export function tableFormat(file: string, text: string): TableFormat {
  if (/\.tsv$/i.test(file)) return 'tsv'
  if (/\.csv$/i.test(file)) return 'csv'
  const header = text.split('\n', 1)[0]
  return header.includes('\t') ? 'tsv' : 'csv'
}

/** TSV: one record a line, split on tabs; a CR before the line break is dropped. Empty lines are skipped. */
export function tsvRecords(text: string): TableRecord[] {
  const lines = text.split('\n')
  const records: TableRecord[] = []
  for (const [i, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line !== '') records.push({cells: line.split('\t'), line: i + 1})
  }

  return records
}

/**
 * CSV by RFC 4180: records end at CRLF or LF outside quotes; a field that starts with `"` runs to the next lone `"`
 * (`""` is one quote) and may hold separators and line breaks. A quote inside an unquoted field, or text after a
 * closing quote, is an error naming the line. Empty lines are skipped.
 */
export function csvRecords(text: string, fail: (line: number, why: string) => never): TableRecord[] {
  const records: TableRecord[] = []
  const at = {i: 0, line: 1}
  const lineEndAt = (i: number) => text[i] === '\n' || text.startsWith('\r\n', i)
  const fieldEndAt = (i: number) => i >= text.length || text[i] === ',' || lineEndAt(i)
  const skipLineEnd = () => {
    at.i += text[at.i] === '\n' ? 1 : 2
    at.line++
  }

  const quoted = () => {
    let cell = ''
    const start = at.line
    at.i++
    while (text[at.i] !== '"' || text[at.i + 1] === '"') {
      if (at.i >= text.length) fail(start, 'a quoted field is not closed; end it with "')
      if (text[at.i] === '"') at.i++
      else if (text[at.i] === '\n') at.line++
      cell += text[at.i++]
    }

    at.i++
    if (!fieldEndAt(at.i)) {
      fail(at.line, 'text after a closing quote; a quoted field ends at its closing " (write "" for a quote)')
    }

    return cell
  }

  const plain = () => {
    const from = at.i
    while (!fieldEndAt(at.i)) {
      if (text[at.i] === '"')
        fail(at.line, 'a quote inside an unquoted field; quote the whole field and write "" for "')
      at.i++
    }

    return text.slice(from, at.i)
  }

  while (at.i < text.length) {
    if (lineEndAt(at.i)) {
      skipLineEnd()
      continue
    }

    const record: TableRecord = {cells: [], line: at.line}
    for (;;) {
      record.cells.push(text[at.i] === '"' ? quoted() : plain())
      if (text[at.i] !== ',') break
      at.i++
    }

    if (at.i < text.length) skipLineEnd()
    records.push(record)
  }

  return records
}

/** The table of `file` (its text given), checked: a header of shell names, every row as wide, 1..10,000 rows. */
export function parseTaskTable(file: string, text: string, label = '--tasks'): TaskTable {
  const fail = (line: number, why: string): never => {
    throw new InputError(`${label}: ${file} line ${line}: ${why}`)
  }

  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  if (body.includes('\0')) fail(body.slice(0, body.indexOf('\0')).split('\n').length, 'holds a NUL byte; use text')
  const format = tableFormat(file, body)
  const records = format === 'tsv' ? tsvRecords(body) : csvRecords(body, fail)
  if (records.length === 0) {
    throw new InputError(`${label}: ${file} is empty; give a header row of variable names, then one row per task`)
  }

  const [header, ...data] = records
  const seen = new Set<string>()
  for (const name of header.cells) {
    if (!NAME.test(name)) {
      fail(
        header.line,
        `${JSON.stringify(name)} is not a variable name; header names are letters, digits and _, not starting ` +
          `with a digit${format === 'csv' ? ' (this file was read as CSV: comma-separated)' : ''}`,
      )
    }

    if (RESERVED.test(name)) fail(header.line, `${name} is reserved (AWS_BATCH_*, MFBATCH_*, ECS_*); rename the column`)
    if (seen.has(name)) fail(header.line, `${name} is named twice; every column needs its own name`)
    seen.add(name)
  }

  if (data.length === 0) fail(header.line, 'the table has a header but no rows; add one row per task')
  if (data.length > MAX_TASK_ROWS) {
    fail(data[MAX_TASK_ROWS].line, `more than ${MAX_TASK_ROWS} rows; AWS Batch runs at most 10,000 array children`)
  }

  for (const row of data) {
    if (row.cells.length !== header.cells.length) {
      fail(
        row.line,
        `${row.cells.length} field${row.cells.length === 1 ? '' : 's'}, but the header has ` +
          `${header.cells.length}; every row needs one value per column`,
      )
    }
  }

  return {names: header.cells, rows: data.map((row) => row.cells)}
}
