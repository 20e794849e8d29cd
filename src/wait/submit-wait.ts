/**
 * `submit --wait` and `--follow` as a person sees them: status changes and the RUNNABLE diagnosis on stderr (under
 * a spinner on a terminal with --wait; plain lines with --follow, whose log lines own stdout), Ctrl-C answered
 * within a second with how to re-attach, and the exit code of DESIGN.md section 5 at the end.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {Clients} from '../batch/clients'
import type {Submission} from '../batch/submit/service'

import {terminateSubmitted, waitForSubmitted} from '../batch/submit/service'
import {ExitCode} from '../exit-codes'
import {onInterrupt} from '../output/interrupt'
import {jsonDocument} from '../output/json'
import {logPrinter, progressHooks, retryLine} from '../output/log-printer'
import {startSpinner} from '../output/spinner'
import {interruptedLines, type SubmitResult, submitWaitResult} from '../output/submit-report'
import {writeNote} from '../output/width'
import {arrayLogsEndLines} from './failed-children'
import {killHint} from './kill-hint'

export interface SubmitWaitOptions {
  /** `--follow --all-nodes` of a multi-node job: every node's log, `[N] ` before each line. */
  allNodes?: boolean
  bin: string
  /** The connection flags as typed, for the re-attach command. */
  connection: string
  follow: boolean
  /** `--follow`: the quiet period that ends following a finished job (batch/logs/grace.ts). */
  graceMs?: number
  killOnInterrupt: boolean
  /** `--quiet`/`--json`: no status lines, no spinner (errors and the Ctrl-C note still show). */
  silent: boolean
  timeoutMs?: number
  /** `--verbose`: say when AWS throttles and the loop waits. */
  verbose?: boolean
}

/** How the wait ended, with the exit code of DESIGN.md section 5 and the job as last described (if it was). */
export interface SubmitWaitOutcome {
  end: 'finished' | 'interrupted' | 'timeout'
  exitCode: number
  job?: JobDetail
}

/** The flags of `submit` and `rerun` that shape a wait, as each command has them, and where the job is. */
/** The job a wait ended on (the last of an `--oom-retry` chain) and the wait's exit code. */
export interface WaitEnd {
  exitCode: number
  jobId: string
}

export interface WaitAndReport extends Pick<SubmitWaitOptions, 'bin' | 'connection' | 'graceMs' | 'timeoutMs'> {
  'all-nodes'?: boolean
  follow: boolean
  json: boolean
  'kill-on-interrupt': boolean
  quiet: boolean
  verbose: boolean
}

/** The wait's options from the command's flags (one mapping for a plain wait and for each job of an OOM chain). */
export function waitOptionsOf(flags: WaitAndReport): SubmitWaitOptions {
  return {
    allNodes: flags['all-nodes'],
    bin: flags.bin,
    connection: flags.connection,
    follow: flags.follow,
    graceMs: flags.graceMs,
    killOnInterrupt: flags['kill-on-interrupt'],
    silent: flags.quiet || flags.json,
    timeoutMs: flags.timeoutMs,
    verbose: flags.verbose,
  }
}

/**
 * `submit --wait`/`--follow` and `rerun --wait`/`--follow` after the submission was reported: waits on the job, and
 * with --json prints the one document of the submission and how the wait ended. Resolves with the exit code.
 */
export async function waitAndReport(
  clients: Clients,
  job: Submission,
  submitted: SubmitResult,
  flags: WaitAndReport,
): Promise<number> {
  const waited = await waitOnSubmitted(clients, job, waitOptionsOf(flags))
  if (flags.json) process.stdout.write(jsonDocument(submitWaitResult(submitted, waited, Date.now())))
  return waited.exitCode
}

/** How long `--kill-on-interrupt` may take before leaving anyway: Ctrl-C must not hang. */
const TERMINATE_WITHIN_MS = 5000

export async function waitOnSubmitted(
  clients: Clients,
  job: Submission,
  options: SubmitWaitOptions,
): Promise<SubmitWaitOutcome> {
  const {bin, follow, silent} = options
  const note = (line: string): void => writeNote(`${bin}: ${line}`)

  const spinner = await startSpinner(`waiting for job ${job.jobName}`, {silent: silent || follow})
  const say = silent ? () => {} : follow ? note : (line: string) => spinner.note(`${bin}: ${line}`)
  const interrupt = onInterrupt()
  // --follow: the job's final line comes after its last log lines.
  const progress = progressHooks(say, {finalLast: follow, verbose: options.verbose})
  const diagnosed = progress.onDiagnosis
  // The diagnosis ends with what to run if the job should not wait any longer.
  progress.onDiagnosis = (diagnosis) => {
    diagnosed?.(diagnosis)
    say(killHint(diagnosis.job.jobId ?? job.jobId, bin, options.connection))
  }

  try {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs
    const waiting = waitForSubmitted(
      clients,
      {
        allNodes: options.allNodes,
        deadline,
        follow,
        graceMs: options.graceMs,
        jobId: job.jobId,
        onLogsRetry: options.verbose ? (error, delay) => say(retryLine('GetLogEvents', error, delay)) : undefined,
        signal: interrupt.signal,
      },
      progress,
      logPrinter(process.stdout),
    )
    const outcome = await Promise.race([waiting, interrupt.interrupted])
    spinner.stop()
    progress.release()
    if (outcome === 'interrupted') {
      let killed = false
      if (options.killOnInterrupt) {
        try {
          await withTimeout(terminateSubmitted(clients.batch, job.jobId), TERMINATE_WITHIN_MS)
          killed = true
        } catch (error) {
          note(`could not terminate job ${job.jobId}: ${(error as Error).message}`)
        }
      }

      for (const line of interruptedLines(job.jobId, bin, options.connection, killed)) note(line)
      return {end: 'interrupted', exitCode: ExitCode.Interrupted}
    }

    reportEnd(outcome, job.jobId, {bin, note, say})
    const last = 'jobs' in outcome ? outcome.jobs[0] : outcome.job
    const end = outcome.end === 'timeout' ? 'timeout' : outcome.end === 'aborted' ? 'interrupted' : 'finished'
    return {end, exitCode: outcome.exitCode, ...(last ? {job: last} : {})}
  } finally {
    interrupt.dispose()
    spinner.stop()
    // A failure after the job was seen finished still says how it ended.
    progress.release()
  }
}

/** After the final status line: a timeout, why nothing was read, and an array job's failed children by name. */
function reportEnd(
  outcome: Awaited<ReturnType<typeof waitForSubmitted>> & {unfollowed?: number},
  jobId: string,
  {bin, note, say}: {bin: string; note: (line: string) => void; say: (line: string) => void},
): void {
  if (outcome.end === 'timeout') note(`--wait-timeout ran out; job ${jobId} keeps running`)
  if ('note' in outcome && outcome.note) say(outcome.note)
  for (const line of arrayLogsEndLines(jobId, outcome, bin)) say(line)
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms)
  })
  try {
    await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}
