/**
 * The one DescribeJobs loop (DESIGN.md section 4). Everything that waits on jobs (`submit --wait`, `--follow`,
 * `logs --follow`, `status --wait`) reads job state from a JobWatcher, so a job followed for its logs and its status
 * is described once a second, not once per consumer. It reports each status change once, diagnoses a long
 * RUNNABLE, rides out throttling and the network, and turns the final state into the exit code of section 5.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import {RuntimeError} from '../../errors'
import {ExitCode} from '../../exit-codes'
import {backoffDelay, type Clock, isTransient, systemClock} from '../pacing'
import {type FailedChild, firstFailedChildCode, isArrayParent} from './array-children'

/** AWS Batch's own limit for one DescribeJobs call. */
export const DESCRIBE_BATCH_SIZE = 100
/** Batch throttles DescribeJobs per account; one call a second is what a watching CLI may take. */
export const MIN_POLL_INTERVAL_MS = 1000
export const DEFAULT_RUNNABLE_AFTER_MS = 60_000

export function isFinished(status: string | undefined): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED'
}

/**
 * The exit code of one finished job (DESIGN.md section 5); undefined while it runs. `childCode` is a FAILED array
 * parent's first failed child's code (array-children.ts): the parent has none of its own.
 */
export function exitCodeFor(job: JobDetail, childCode?: number): number | undefined {
  if (job.status === 'SUCCEEDED') return ExitCode.Ok
  if (job.status !== 'FAILED') return undefined
  const code = job.container?.exitCode ?? job.attempts?.at(-1)?.container?.exitCode ?? childCode
  // 0 on a FAILED job, or a code outside what a shell can report, is no container result to hand through.
  return code !== undefined && Number.isInteger(code) && code >= 1 && code <= 255 ? code : ExitCode.JobFailedNoCode
}

/** Several jobs: 0 when all succeeded, else the first failure's code, in the order the ids were given. */
export function exitCodeForAll(
  jobs: readonly JobDetail[],
  childCodes: ReadonlyMap<string, number | undefined> = new Map(),
): number {
  for (const job of jobs) {
    const code = exitCodeFor(job, job.jobId === undefined ? undefined : childCodes.get(job.jobId))
    if (code !== undefined && code !== ExitCode.Ok) return code
  }

  return ExitCode.Ok
}

export interface StatusChange {
  /** When the change was seen. */
  at: number
  job: JobDetail
  /** Undefined on the first sighting. */
  previous?: string
  status: string
}

export interface Diagnosis {
  findings: string[]
  job: JobDetail
  runnableForMs: number
}

export interface WatchOptions {
  clock?: Clock
  /** DescribeJobs for any number of ids (the caller batches by 100); ids AWS does not know are left out. */
  describe: (ids: readonly string[]) => Promise<JobDetail[]>
  /** Sentences on why a job is stuck in RUNNABLE (see runnable-diagnosis.ts). */
  diagnose?: (job: JobDetail) => Promise<string[]>
  /**
   * A FAILED array parent's failed children (array-children.ts): the lowest-index one's code is the parent's exit
   * code; without this option such a parent is 126.
   */
  failedChildren?: (parent: JobDetail) => Promise<FailedChild[]>
  /**
   * How long an id may be unknown to DescribeJobs before it is an error: right after SubmitJob, AWS may not list
   * the job yet (eventual consistency).
   */
  graceMs?: number
  intervalMs?: number
  onChange?: (change: StatusChange) => void
  onDiagnosis?: (diagnosis: Diagnosis) => void
  onRetry?: (error: unknown, delayMs: number) => void
  random?: () => number
  runnableAfterMs?: number
}

export type WatchEnd = 'aborted' | 'finished' | 'timeout'

export interface WatchOutcome {
  end: WatchEnd
  /** 0..255 from the jobs, or 124 (timeout) and 130 (aborted). */
  exitCode: number
  /** FAILED array parents among the jobs: their failed children by parent id (absent when there is none). */
  failed?: ReadonlyMap<string, FailedChild[]>
  jobs: JobDetail[]
}

export class JobWatcher {
  /** FAILED array parents whose children have been looked at, and the code found (undefined: none had one). */
  private readonly childCodes = new Map<string, number | undefined>()
  private readonly clock: Clock
  /** FAILED array parents' failed children, as looked up (none when the lookup failed for good). */
  private readonly failed = new Map<string, FailedChild[]>()
  private failures = 0
  private readonly interval: number
  private readonly jobs = new Map<string, JobDetail>()
  private nextPollAt = 0
  private readonly runnable = new Map<string, {diagnosed: boolean; since: number}>()
  private readonly startedAt: number

  constructor(
    readonly ids: readonly string[],
    private readonly options: WatchOptions,
  ) {
    this.clock = options.clock ?? systemClock
    this.interval = Math.max(MIN_POLL_INTERVAL_MS, options.intervalMs ?? MIN_POLL_INTERVAL_MS)
    this.startedAt = this.clock.now()
  }

  /** Milliseconds until the next DescribeJobs is due (0 when it is due now). */
  get dueIn(): number {
    return Math.max(0, this.nextPollAt - this.clock.now())
  }

  /** All jobs seen and finished (a FAILED array parent: and its children's code looked up). */
  get finished(): boolean {
    return this.ids.every((id) => isFinished(this.jobs.get(id)?.status) && !this.childCodePending(id))
  }

  /** A FAILED array parent's failed children, lowest index first, once looked up; empty otherwise. */
  failedChildrenOf(id: string): FailedChild[] {
    return this.failed.get(id) ?? []
  }

  /** The latest description of a job, as of the last successful poll. */
  job(id: string): JobDetail | undefined {
    return this.jobs.get(id)
  }

  outcome(end: WatchEnd): WatchOutcome {
    const jobs = this.ids.flatMap((id) => this.jobs.get(id) ?? [])
    const exitCode =
      end === 'aborted'
        ? ExitCode.Interrupted
        : end === 'timeout'
          ? ExitCode.WaitTimeout
          : exitCodeForAll(jobs, this.childCodes)
    return {end, exitCode, ...(this.failed.size > 0 ? {failed: new Map(this.failed)} : {}), jobs}
  }

  /** One DescribeJobs round. A transient failure postpones the next round with backoff instead of throwing. */
  async poll(): Promise<void> {
    let described: JobDetail[]
    try {
      described = await this.options.describe(this.ids)
    } catch (error) {
      if (!isTransient(error)) throw error
      this.failures++
      const delay = backoffDelay(this.failures, {random: this.options.random})
      this.nextPollAt = this.clock.now() + delay
      this.options.onRetry?.(error, delay)
      return
    }

    const now = this.clock.now()
    this.failures = 0
    this.nextPollAt = now + this.interval
    for (const job of described) if (job.jobId) this.record(job, now)
    const missing = this.ids.filter((id) => !this.jobs.has(id))
    if (missing.length > 0 && now - this.startedAt >= (this.options.graceMs ?? 0)) {
      throw new RuntimeError(`job ${missing.join(', ')} not found (AWS Batch keeps finished jobs for about 7 days)`)
    }

    await this.lookUpFailedChildren()
    await this.diagnoseStuck(now)
  }

  async pollIfDue(): Promise<void> {
    if (this.dueIn === 0) await this.poll()
  }

  /**
   * Polls until every job has finished, `deadline` (epoch ms) passes or `signal` aborts. Never more than one
   * DescribeJobs a second.
   */
  async run({deadline, signal}: {deadline?: number; signal?: AbortSignal} = {}): Promise<WatchOutcome> {
    for (;;) {
      if (signal?.aborted) return this.outcome('aborted')
      // eslint-disable-next-line no-await-in-loop -- a polling loop: each round waits for the previous one
      await this.pollIfDue()
      if (this.finished) return this.outcome('finished')
      const now = this.clock.now()
      if (deadline !== undefined && now >= deadline) return this.outcome('timeout')
      const wait = deadline === undefined ? this.dueIn : Math.min(this.dueIn, deadline - now)
      // eslint-disable-next-line no-await-in-loop
      await this.clock.sleep(wait, signal)
    }
  }

  /** A FAILED array parent with no code of its own, whose children have not been looked at yet. */
  private childCodePending(id: string): boolean {
    const job = this.jobs.get(id)
    if (!this.options.failedChildren || !job || job.status !== 'FAILED' || !isArrayParent(job)) return false
    return !this.childCodes.has(id) && job.container?.exitCode === undefined
  }

  private async diagnoseStuck(now: number): Promise<void> {
    const after = this.options.runnableAfterMs ?? DEFAULT_RUNNABLE_AFTER_MS
    const {diagnose, onDiagnosis} = this.options
    if (!diagnose || !onDiagnosis) return
    for (const [id, stretch] of this.runnable) {
      if (stretch.diagnosed || now - stretch.since < after) continue
      const job = this.jobs.get(id)!
      let findings: string[]
      try {
        // eslint-disable-next-line no-await-in-loop -- rare (once per stuck job), and keeps the call rate low
        findings = await diagnose(job)
      } catch (error) {
        if (isTransient(error)) continue // try again on the next round
        findings = [`no diagnosis: ${(error as Error).message}`]
      }

      stretch.diagnosed = true
      onDiagnosis({findings, job, runnableForMs: now - stretch.since})
    }
  }

  private async lookUpFailedChildren(): Promise<void> {
    const lookUp = this.options.failedChildren
    if (!lookUp) return
    for (const id of this.ids) {
      if (!this.childCodePending(id)) continue
      try {
        // eslint-disable-next-line no-await-in-loop -- once per failed array parent
        const children = await lookUp(this.jobs.get(id)!)
        this.failed.set(id, children)
        this.childCodes.set(id, firstFailedChildCode(children))
      } catch (error) {
        if (isTransient(error)) continue // looked up again after the next round
        this.childCodes.set(id, undefined) // no code to hand through: 126
      }
    }
  }

  private record(job: JobDetail, now: number): void {
    const id = job.jobId!
    const previous = this.jobs.get(id)?.status
    this.jobs.set(id, job)
    const status = job.status ?? 'UNKNOWN'
    if (status !== previous) this.options.onChange?.({at: now, job, previous, status})
    if (status !== 'RUNNABLE') this.runnable.delete(id)
    else if (!this.runnable.has(id)) this.runnable.set(id, {diagnosed: false, since: now})
  }
}
