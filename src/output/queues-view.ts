/**
 * How `queues` puts queues on stdout. On a terminal: a table of queues (the default one marked `*`), then a table of
 * their compute environments in the order Batch tries them. In a pipe: one line per queue, tab-separated, no header:
 * default mark, name, state, status, platform, priority, RUNNABLE, RUNNING, the compute environments as
 * `name:platform:state:status:min/desired/max` joined by commas, the reason; `cut -f2` gives the names.
 */
import type {EnvironmentOverview, QueueOverview} from '../batch/queues/overview'

import {timeLimitText} from '../batch/queues/line'
import {colorEnabled, type Palette, palette} from './color'
import {inertCopy} from './inert'
import {type Column, renderTable} from './table'
import {type Terminal} from './terminal'

const dash = (value: null | number | string | undefined): string =>
  value === null || value === undefined || value === '' ? '-' : String(value)

function vcpus(ce: EnvironmentOverview): string {
  return `${dash(ce.minvCpus)}/${dash(ce.desiredvCpus)}/${dash(ce.maxvCpus)}`
}

function gpus(ce: EnvironmentOverview): string {
  return ce.gpus === null ? '?' : ce.gpus ? 'yes' : 'no'
}

function state(paint: Palette, value: null | string, good: string): string {
  return value === good ? paint.green(value) : paint.red(dash(value))
}

/**
 * On a narrow terminal: the compute environments column goes first (the table below lists them), then priority,
 * then the reason (cut before that), running, runnable and platform.
 */
function queueColumns(paint: Palette, tty: boolean): Array<Column<QueueOverview>> {
  return [
    {header: tty ? ' ' : 'default', value: (q) => (q.default ? '*' : tty ? ' ' : '-')},
    {header: 'queue', min: 12, shrink: true, value: (q) => (q.default ? paint.bold(q.name) : q.name)},
    {header: 'state', value: (q) => state(paint, q.state, 'ENABLED')},
    {header: 'status', value: (q) => state(paint, q.status, 'VALID')},
    {drop: 6, header: 'platform', value: (q) => dash(q.platform)},
    {drop: 2, header: 'priority', value: (q) => dash(q.priority)},
    {drop: 5, header: 'runnable', value: (q) => String(q.runnable)},
    {drop: 4, header: 'running', value: (q) => String(q.running)},
    {
      drop: 1,
      header: 'compute environments',
      shrink: true,
      value: (q) =>
        q.computeEnvironments
          .map((ce) =>
            tty ? ce.name : `${ce.name}:${dash(ce.platform)}:${dash(ce.state)}:${dash(ce.status)}:${vcpus(ce)}`,
          )
          .join(tty ? ', ' : ',') || '-',
    },
    {drop: 3, header: 'reason', min: 10, shrink: true, value: (q) => q.statusReason ?? ''},
  ]
}

interface EnvironmentRow {
  ce: EnvironmentOverview
  queue: string
}

/** On a narrow terminal: type, order, the reason, instance types, vCPUs, platform and GPUs go, in that order. */
function environmentColumns(paint: Palette): Array<Column<EnvironmentRow>> {
  return [
    {header: 'queue', min: 12, shrink: true, value: (r) => r.queue},
    {drop: 2, header: 'order', value: (r) => dash(r.ce.order)},
    {header: 'compute environment', min: 19, shrink: true, value: (r) => r.ce.name},
    {header: 'state', value: (r) => state(paint, r.ce.state, 'ENABLED')},
    {header: 'status', value: (r) => state(paint, r.ce.status, 'VALID')},
    {drop: 1, header: 'type', value: (r) => dash(r.ce.type)},
    {drop: 6, header: 'platform', value: (r) => dash(r.ce.platform)},
    {drop: 5, header: 'vcpus min/desired/max', value: (r) => vcpus(r.ce)},
    {drop: 4, header: 'instance types', shrink: true, value: (r) => r.ce.instanceTypes.join(',') || '-'},
    {drop: 7, header: 'gpus', value: (r) => gpus(r.ce)},
    {drop: 3, header: 'reason', min: 10, shrink: true, value: (r) => r.ce.statusReason ?? ''},
  ]
}

/** The lines to print, without newlines. */
export function queuesLines(fromAws: readonly QueueOverview[], terminal: Terminal): string[] {
  const tty = terminal.stdoutTty
  // On a terminal names and reasons are shown inert; a pipe gets them as AWS gave them.
  const queues = tty ? inertCopy(fromAws) : fromAws
  const paint = palette(colorEnabled({env: terminal.env, stream: {isTTY: tty}}))
  const options = {columns: terminal.columns, header: paint.bold, tty}
  if (!tty) return renderTable(queueColumns(paint, tty), queues, options)
  const rows = queues.flatMap((q) => q.computeEnvironments.map((ce) => ({ce, queue: q.name})))
  const queueCols = withReason(
    queueColumns(paint, tty),
    queues.some((q) => q.statusReason),
  )
  const table = renderTable(queueCols, queues, options)
  if (rows.length === 0) return table
  const ceCols = withReason(
    environmentColumns(paint),
    rows.some((r) => r.ce.statusReason),
  )
  return [...table, '', ...renderTable(ceCols, rows, options), ...lineLines(queues)]
}

/** On a terminal, under the tables: each queue's next jobs and its time limits on RUNNABLE jobs, when it has any. */
function lineLines(queues: readonly QueueOverview[]): string[] {
  const lines = queues.flatMap((q) => [
    ...(q.front.length > 0
      ? [`${q.name}: next to run ${q.front.join(', ')}${q.runnable > q.front.length ? ', ...' : ''}`]
      : []),
    ...q.jobStateTimeLimitActions.map((action) => `${q.name}: ${timeLimitText(action)}`),
  ])
  return lines.length > 0 ? ['', ...lines] : []
}

/** On a terminal, the last column (the reason) only when something has a reason; a pipe keeps every field. */
function withReason<R>(columns: Array<Column<R>>, any: boolean): Array<Column<R>> {
  return any ? columns : columns.slice(0, -1)
}
