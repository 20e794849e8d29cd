/**
 * `${NAME}` in `--output` paths (DESIGN.md section 12): with `--tasks`, each child's outputs may be named by its row
 * (`--output 'model-${lr}.txt'`). The job's bootstrap puts the value in (bootstrap-section.ts), literally: a value
 * is never run or globbed there. Checked here before any API call: a `$` only as `${NAME}`, NAME a column of the
 * table, and for every row the path it makes stays inside the working directory and holds nothing the job's
 * script cannot carry (a line break, a double quote, a backslash, a control character).
 */
import type {TaskTable} from '../tasks/table'

import {invalid} from '../../errors'

/* eslint-disable no-template-curly-in-string -- `${NAME}` is the user's syntax here, not a template literal */
const REFERENCE = /\$\{([A-Z_a-z]\w*)\}/g
/** What the job's script cannot carry in a path (bootstrap-section.ts writes the missing ones into JSON). */
function unsafeValue(value: string): boolean {
  return [...value].some((char) => char < ' ' || char === '\u007F' || char === '"' || char === '\\')
}

/** The column names a path uses, in order, each once. */
export function referencedNames(path: string): string[] {
  return [...new Set([...path.matchAll(REFERENCE)].map((match) => match[1]))]
}

/** The path with each `${NAME}` given its value in `row`. */
export function expandPath(path: string, row: Readonly<Record<string, string>>): string {
  return path.replaceAll(REFERENCE, (_all, name: string) => row[name] ?? '')
}

/**
 * Refuses a path whose `$` is not a `${NAME}` of the table (or any `${...}` without a table), and a row whose
 * values would make a path that leads out of the working directory or that the job cannot carry.
 */
export function checkRowValues(paths: readonly string[], tasks: undefined | {file: string; table: TaskTable}): void {
  for (const path of paths) {
    const names = referencedNames(path)
    if (path.replaceAll(REFERENCE, '').includes('$')) {
      const allowed = tasks ? `a column of ${tasks.file}: ${columns(tasks.table)}` : 'a column of the --tasks table'
      throw invalid('--output', path, `a $ only as \${NAME}, NAME ${allowed}`)
    }

    if (names.length > 0 && !tasks) {
      throw invalid('--output', path, '${NAME} takes its value from the row of --tasks FILE; add --tasks, or drop it')
    }

    if (!tasks || names.length === 0) continue
    const unknown = names.find((name) => !tasks.table.names.includes(name))
    if (unknown !== undefined) {
      throw invalid('--output', path, `${unknown} is not a column of ${tasks.file}; use ${columns(tasks.table)}`)
    }

    checkRows(path, names, tasks)
  }
}

function checkRows(path: string, names: readonly string[], tasks: {file: string; table: TaskTable}): void {
  const {table} = tasks
  for (const [index, values] of table.rows.entries()) {
    const row = Object.fromEntries(table.names.map((name, i) => [name, values[i]]))
    const expanded = expandPath(path, row)
    const bad = names.find((name) => unsafeValue(row[name]))
    const problem =
      bad === undefined
        ? leavesDirectory(expanded)
        : `the value of ${bad} has a line break, double quote, backslash or control character, which a file name here cannot`
    if (problem !== undefined) {
      throw invalid(
        '--output',
        path,
        `row ${index + 1} of ${tasks.file} makes it ${JSON.stringify(expanded)}: ${problem}; change the row or the path`,
      )
    }
  }
}

function leavesDirectory(path: string): string | undefined {
  const clean = path.replace(/^(?:\.\/)+/, '')
  if (clean === '' || clean === '.') return 'that is the whole working directory'
  if (/^[/-]/.test(path)) return 'a path must not start with / or -'
  if (path.split('/').includes('..')) return 'that leads out of the working directory'
  return undefined
}

function columns(table: TaskTable): string {
  return table.names.map((name) => `\${${name}}`).join(', ')
}
/* eslint-enable no-template-curly-in-string */
