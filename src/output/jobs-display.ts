/**
 * How `status` puts jobs on stdout: a table on a terminal, tab-separated rows in a pipe, the detail view for a
 * single job; under `--watch` the table is redrawn in place on a terminal, and in a pipe each status change is one
 * more row. Nothing here talks to AWS; views come from job-view.ts.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {NodesByParent} from '../batch/nodes/rows'
import type {TaskChildren} from '../batch/tasks/children'
import type {FailedChild} from '../batch/watch/array-children'

import {colorEnabled, palette} from './color'
import {inertCopy} from './inert'
import {
  environmentText,
  jobColumns,
  jobDetailPairs,
  jobView,
  type QueuePositions,
  type ViewContext,
  withPosition,
} from './job-view'
import {nodeLines} from './node-view'
import {writeLines} from './pipe'
import {redrawer} from './redraw'
import {renderPairs, renderTable} from './table'
import {taskLines} from './task-view'
import {type Terminal} from './terminal'

/** Array parents' FAILED children by parent id (array-children.ts). */
export type FailedByParent = ReadonlyMap<string, readonly FailedChild[]>

/** What the one-job view and the table show beside the jobs themselves, each by job id. */
export interface JobExtras {
  /** An array parent's failed children. */
  failed?: FailedByParent
  /** A multi-node parent's nodes. */
  nodes?: NodesByParent
  /** A RUNNABLE job's place in its queue's line. */
  positions?: QueuePositions
  /** A `--tasks` array's children with their rows (the one-job view only). */
  tasks?: TaskChildren
}

export class JobsDisplay {
  private readonly redraw
  private readonly terminal: Terminal

  constructor(
    terminal: Terminal,
    private readonly now: () => number,
    private readonly single: boolean,
  ) {
    this.terminal = terminal
    this.redraw = redrawer(process.stdout)
  }

  /** Whether `round` redraws (stdout is a terminal); in a pipe `--watch` prints changes only. */
  get redraws(): boolean {
    return this.terminal.stdoutTty
  }

  /** `--watch` in a pipe: one row for a job whose status just changed. */
  change(job: JobDetail): void {
    if (!this.terminal.stdoutTty) writeLines(this.lines([job], false))
  }

  /**
   * The final picture (no `--watch`, or after a pipe's `--watch`). A multi-node parent's nodes follow it: rows
   * `JOB#N` after its row in the table, a node table under its one-job view. A `--tasks` job's children and rows
   * follow its one-job view.
   */
  print(jobs: readonly JobDetail[], extras: JobExtras = {}): void {
    const lines = this.lines(jobs, this.single, extras)
    const detail = this.single && jobs.length === 1
    writeLines(detail ? [...lines, ...taskLines(extras.tasks, this.context(), this.terminal.columns)] : lines)
  }

  /** `--watch` on a terminal: redraw after every DescribeJobs round, with the nodes' rows when given. */
  round(jobs: readonly JobDetail[], nodes?: NodesByParent): void {
    if (this.terminal.stdoutTty) this.redraw.draw(this.lines(jobs, this.single, {nodes}))
  }

  private context(): ViewContext {
    const tty = this.terminal.stdoutTty
    return {now: this.now(), paint: palette(colorEnabled({env: this.terminal.env, stream: {isTTY: tty}})), tty}
  }

  private lines(rawJobs: readonly JobDetail[], detail: boolean, extras: JobExtras = {}): string[] {
    const {failed: rawFailed = new Map(), nodes: rawNodes = new Map(), positions = new Map()} = extras
    const tty = this.terminal.stdoutTty
    // On a terminal every field from AWS is shown inert (names, reasons, environment); a pipe gets the bytes.
    const jobs = tty ? inertCopy(rawJobs) : rawJobs
    const nodes: NodesByParent = tty ? new Map([...rawNodes].map(([id, list]) => [id, inertCopy(list)])) : rawNodes
    const failed: FailedByParent = tty ? new Map([...rawFailed].map(([id, list]) => [id, inertCopy(list)])) : rawFailed
    const context = this.context()
    const {now} = context
    const header = context.paint.bold
    const views = jobs.map((job) => withPosition(jobView(job, now, undefined, failed.get(job.jobId ?? '')), positions))
    const nodeViews = (job: JobDetail) => (nodes.get(job.jobId ?? '') ?? []).map((node) => jobView(node, now))
    if (detail && views.length === 1) {
      const pairs = renderPairs(jobDetailPairs(views[0], context, environmentText(jobs[0])), {header, tty})
      return [...pairs, ...nodeLines(nodeViews(jobs[0]), context, this.terminal.columns)]
    }

    const rows = jobs.flatMap((job, i) => [views[i], ...nodeViews(job)])
    return renderTable(jobColumns(context), rows, {columns: this.terminal.columns, header, tty})
  }
}
