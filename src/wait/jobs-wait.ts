/**
 * `status --wait` and `status --watch`: one shared DescribeJobs loop (the JobWatcher of src/batch/watch) until every job
 * has finished, the timeout runs out or Ctrl-C. What the user sees meanwhile: with `--watch` the view itself (redrawn
 * on a terminal, one row per change in a pipe); with `--wait` alone a spinner on stderr and, for a few jobs, each
 * status change there too. RUNNABLE diagnoses go to stderr either way.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../batch/clients'
import type {NodesByParent} from '../batch/nodes/rows'
import type {JobsDisplay} from '../output/jobs-display'

import {type Clock} from '../batch/pacing'
import {createWatcher, runnableAfterMs} from '../batch/watch/create-watcher'
import {followJobs} from '../batch/watch/follow-jobs'
import {WatchOutcome} from '../batch/watch/job-watcher'
import {colorEnabled, palette} from '../output/color'
import {onInterrupt} from '../output/interrupt'
import {diagnosisLines, statusLine} from '../output/log-printer'
import {startSpinner} from '../output/spinner'
import {killHint} from './kill-hint'

/** Status changes of more jobs than this would flood stderr; the spinner's counts say enough. */
const NOTE_CHANGES_UP_TO = 10

export interface WaitOptions {
  clock: Clock
  /** The connection flags as typed (" --local"), for the kill command a RUNNABLE diagnosis ends with. */
  connection?: string
  display: JobsDisplay
  /** `--json`: nothing on stdout until the end, no spinner. */
  json: boolean
  /** `--watch` on a terminal: the nodes of the multi-node jobs among them, for their rows; none when not given. */
  nodes?: (jobs: readonly JobDetail[]) => Promise<NodesByParent>
  /** Put before each line on stderr ("mfbatch: "). */
  prefix: string
  timeoutMs?: number
  /** `--watch`: show the view while waiting. */
  watch: boolean
}

export async function waitForJobs(
  batch: BatchApi,
  jobs: readonly JobDetail[],
  {clock, connection, display, json, nodes, prefix, timeoutMs, watch}: WaitOptions,
): Promise<WatchOutcome> {
  const showView = watch && !json
  const colors = palette(colorEnabled({stream: process.stderr}))
  const spinner = await startSpinner(`waiting for ${jobs.length} job${jobs.length === 1 ? '' : 's'}`, {
    silent: json || showView,
  })
  const watcher = createWatcher(
    batch,
    jobs.map((job) => job.jobId!),
    {
      onChange(change) {
        if (showView) display.change(change.job)
        else if (jobs.length <= NOTE_CHANGES_UP_TO) spinner.note(prefix + statusLine(change, colors))
      },
      onDiagnosis(diagnosis) {
        const bin = prefix.replace(/: $/, '')
        for (const line of [...diagnosisLines(diagnosis), killHint(diagnosis.job.jobId ?? '', bin, connection)]) {
          spinner.note(prefix + line)
        }
      },
      runnableAfterMs: runnableAfterMs(),
    },
  )
  const current = (): JobDetail[] => watcher.ids.flatMap((id) => watcher.job(id) ?? [])
  const interrupt = onInterrupt()
  try {
    const following = followJobs(watcher, {
      clock,
      deadline: timeoutMs === undefined ? undefined : clock.now() + timeoutMs,
      async onRound() {
        if (showView) display.round(current(), display.redraws ? await nodesNow(nodes, current()) : undefined)
        else spinner.update(`waiting for ${counts(current())}`)
      },
      signal: interrupt.signal,
    })
    // Ctrl-C is answered at once, even while a DescribeJobs is being retried; that call's end is of no interest.
    const first = await Promise.race([following, interrupt.interrupted])
    if (first !== 'interrupted') return first
    following.catch(() => {})
    return watcher.outcome('aborted')
  } finally {
    interrupt.dispose()
    spinner.stop()
  }
}

/** The nodes for this redraw; a failed call (throttling, say) leaves the rows out this once rather than stop the watch. */
async function nodesNow(nodes: WaitOptions['nodes'], jobs: readonly JobDetail[]): Promise<NodesByParent | undefined> {
  try {
    return await nodes?.(jobs)
  } catch {
    return undefined
  }
}

/** "3 jobs: 2 RUNNING, 1 SUCCEEDED". */
function counts(jobs: readonly JobDetail[]): string {
  const byStatus = new Map<string, number>()
  for (const job of jobs) byStatus.set(job.status ?? 'UNKNOWN', (byStatus.get(job.status ?? 'UNKNOWN') ?? 0) + 1)
  const parts = [...byStatus].map(([status, n]) => `${n} ${status}`)
  return `${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}
