/**
 * How `status` puts jobs on stdout: a table on a terminal, tab-separated rows in a pipe, the detail view for a
 * single job; under `--watch` the table is redrawn in place on a terminal, and in a pipe each status change is one
 * more row. Nothing here talks to AWS; views come from job-view.ts.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import {colorEnabled, palette} from './color'
import {environmentText, jobColumns, jobDetailPairs, jobView, type ViewContext} from './job-view'
import {writeLines} from './pipe'
import {redrawer} from './redraw'
import {renderPairs, renderTable} from './table'
import {type Terminal} from './terminal'

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

  /** `--watch` in a pipe: one row for a job whose status just changed. */
  change(job: JobDetail): void {
    if (!this.terminal.stdoutTty) writeLines(this.lines([job], false))
  }

  /** The final picture (no `--watch`, or after a pipe's `--watch`). */
  print(jobs: readonly JobDetail[]): void {
    writeLines(this.lines(jobs, this.single))
  }

  /** `--watch` on a terminal: redraw after every DescribeJobs round. */
  round(jobs: readonly JobDetail[]): void {
    if (this.terminal.stdoutTty) this.redraw.draw(this.lines(jobs, this.single))
  }

  private lines(jobs: readonly JobDetail[], detail: boolean): string[] {
    const tty = this.terminal.stdoutTty
    const now = this.now()
    const context: ViewContext = {
      now,
      paint: palette(colorEnabled({env: this.terminal.env, stream: {isTTY: tty}})),
      tty,
    }
    const header = context.paint.bold
    const views = jobs.map((job) => jobView(job, now))
    if (detail && views.length === 1) {
      return renderPairs(jobDetailPairs(views[0], context, environmentText(jobs[0])), {header, tty})
    }

    return renderTable(jobColumns(context), views, {columns: this.terminal.columns, header, tty})
  }
}
