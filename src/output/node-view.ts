/**
 * The nodes of a multi-node job in `status`: one row per node (`JOB#0` is the main node) with its state, exit code
 * and reason. On a terminal the one-job view ends with an "Each node:" table; in a pipe with one
 * `Node<TAB>id<TAB>role<TAB>status<TAB>exit<TAB>reason<TAB>seconds` line per node, so `grep ^Node` lists them.
 * The "Node"/"Nodes" pair of the one-job view itself is in job-view.ts.
 */
import type {Column} from './table'

import {formatDuration} from './duration'
import {type JobView, paintStatus, type ViewContext} from './job-view'
import {renderTable} from './table'

const INDENT = '  '
const roleOf = (view: JobView): string => (view.node?.isMainNode ? 'main' : 'child')

export function nodeColumns({paint, tty}: ViewContext): Array<Column<JobView>> {
  return [
    {header: 'node', value: (v) => v.jobId},
    {header: 'role', value: roleOf},
    {header: 'status', value: (v) => paintStatus(v.status, paint)},
    {header: 'exit', value: (v) => (v.exitCode === null ? '' : String(v.exitCode))},
    {header: 'reason', shrink: true, value: (v) => v.statusReason ?? ''},
    {
      header: 'duration',
      value: (v) =>
        v.durationSeconds === null ? '' : tty ? formatDuration(v.durationSeconds * 1000) : String(v.durationSeconds),
    },
  ]
}

/**
 * The node rows under a parent's one-job view: on a terminal "Each node:" and the table indented under it (cut to
 * `columns`), in a pipe one `Node<TAB>...` line per node.
 */
export function nodeLines(nodes: readonly JobView[], context: ViewContext, columns?: number): string[] {
  if (nodes.length === 0) return []
  if (!context.tty) return renderTable(nodeColumns(context), nodes, {tty: false}).map((line) => `Node\t${line}`)
  const table = renderTable(nodeColumns(context), nodes, {
    columns: columns === undefined ? undefined : columns - INDENT.length,
    header: context.paint.bold,
    tty: true,
  })
  // Not "Nodes:", which the view above already has for the node count.
  return [context.paint.bold('Each node:'), ...table.map((line) => INDENT + line)]
}
