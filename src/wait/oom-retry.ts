/**
 * `submit --wait|--follow --oom-retry N [--oom-factor F]`: waits as `--wait` does; when the job fails with AWS Batch's
 * out-of-memory reason, reruns it with more memory (src/batch/oom), says so on stderr, and waits on the new job, up
 * to N times. Exits with the last job's code; with --json, one document for the last job and the chain.
 */
import type {Clients} from '../batch/clients'
import type {OomRetry} from '../batch/oom/grow'
import type {Submission} from '../batch/submit/service'

import {grownMemory, memoryOf, ranOutOfMemory} from '../batch/oom/grow'
import {queueMemoryCeiling, rerunWithMemory} from '../batch/oom/rerun'
import {jsonDocument} from '../output/json'
import {type SubmitResult, submitResult, submitWaitResult} from '../output/submit-report'
import {type SubmitWaitOutcome, type WaitAndReport, waitOnSubmitted} from './submit-wait'

export interface OomChainLink {
  jobId: string
  /** MiB the job had. */
  memory: null | number
}

/** Waits on `job`, then on each rerun with more memory; resolves with the last job's exit code. */
export async function waitWithOomRetry(
  clients: Clients,
  job: Submission,
  submitted: SubmitResult,
  flags: WaitAndReport & {oom: OomRetry; record: (made: Submission) => void},
): Promise<number> {
  const note = (line: string): void => {
    process.stderr.write(`${flags.bin}: ${line}\n`)
  }

  let current = job
  let result = submitted
  let ceiling: number | undefined
  let ceilingKnown = false
  const chain: OomChainLink[] = []
  let waited: SubmitWaitOutcome
  for (let reruns = 0; ; reruns++) {
    // eslint-disable-next-line no-await-in-loop -- each job is waited on after the one it replaces
    waited = await waitOnSubmitted(clients, current, {
      bin: flags.bin,
      connection: flags.connection,
      follow: flags.follow,
      graceMs: flags.graceMs,
      killOnInterrupt: flags['kill-on-interrupt'],
      silent: flags.quiet || flags.json,
      timeoutMs: flags.timeoutMs,
      verbose: flags.verbose,
    })
    const last = waited.job
    const memory = last ? memoryOf(last) : undefined
    chain.push({jobId: current.jobId, memory: memory ?? null})
    if (waited.end !== 'finished' || !last || !ranOutOfMemory(last) || memory === undefined) break
    if (reruns >= flags.oom.times) {
      note(`job ${current.jobId} ran out of memory at ${memory} MiB again; --oom-retry ${flags.oom.times} is used up`)
      break
    }

    if (!ceilingKnown) {
      // eslint-disable-next-line no-await-in-loop -- once, when the first OOM calls for it
      ceiling = await queueMemoryCeiling(clients.batch, last)
      ceilingKnown = true
    }

    const next = grownMemory(memory, flags.oom.factor, ceiling)
    if (next === undefined) {
      note(
        `job ${current.jobId} ran out of memory at ${memory} MiB, the most its queue can give one job; not rerunning it`,
      )
      break
    }

    // eslint-disable-next-line no-await-in-loop
    const made = await rerunWithMemory(clients.batch, current.jobId, next)
    flags.record(made)
    note(
      `job ${current.jobId} ran out of memory at ${memory} MiB; rerunning it with ${next} MiB ` +
        `(--oom-retry ${reruns + 1} of ${flags.oom.times}) as job ${made.jobId}`,
    )
    current = made
    result = submitResult(made)
  }

  if (flags.json) {
    process.stdout.write(jsonDocument({...submitWaitResult(result, waited, Date.now()), oomChain: chain}))
  }

  return waited.exitCode
}
