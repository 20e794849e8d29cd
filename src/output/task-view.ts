/**
 * The children of a `--tasks` job in `status`, each with its row: on a terminal an "Each task:" table under the
 * one-job view; in a pipe one `Task<TAB>index<TAB>status<TAB>exit<TAB>row` line per child, so `grep ^Task` lists
 * them (the row as `name=value` words, a value with spaces or quotes in JSON quotes).
 */
import type {TaskChild, TaskChildren} from '../batch/tasks/children'
import type {Column} from './table'

import {rowText} from '../batch/tasks/stored'
import {inert} from './inert'
import {paintStatus, type ViewContext} from './job-view'
import {renderTable} from './table'

const INDENT = '  '

function taskColumns(names: readonly string[], {paint, tty}: ViewContext): Array<Column<TaskChild>> {
  const row = (child: TaskChild) =>
    rowText(
      names,
      names.map((name) => child.row[name]),
    )
  return [
    {header: 'child', value: (c) => String(c.index)},
    {header: 'status', value: (c) => paintStatus(c.status, paint)},
    {header: 'exit', value: (c) => (c.exitCode === null ? '' : String(c.exitCode))},
    {header: 'row', shrink: true, value: (c) => (tty ? inert(row(c)) : row(c))},
  ]
}

export function taskLines(tasks: TaskChildren | undefined, context: ViewContext, columns?: number): string[] {
  if (!tasks || tasks.children.length === 0) return []
  const cols = taskColumns(tasks.names, context)
  if (!context.tty) return renderTable(cols, tasks.children, {tty: false}).map((line) => `Task\t${line}`)
  const table = renderTable(cols, tasks.children, {
    columns: columns === undefined ? undefined : columns - INDENT.length,
    header: context.paint.bold,
    tty: true,
  })
  return [context.paint.bold(`Each task (${tasks.table}):`), ...table.map((line) => INDENT + line)]
}
