/**
 * `submit --wait|--follow` once the job is submitted: a plain wait, or with `--oom-retry` the chain of reruns with
 * more memory (oom-retry.ts); then, with `--output`, the outputs of the job the wait ended on brought back
 * (outputs-back.ts): the rerun's, when a rerun is the one that succeeded. Resolves with the exit code.
 */
import type {Clients} from '../batch/clients'
import type {OomRetry} from '../batch/oom/grow'
import type {OutputsPlan} from '../batch/submit/outputs-step'
import type {Submission} from '../batch/submit/service'
import type {SubmitResult} from '../output/submit-report'

import {waitAndReport, type WaitAndReport, type WaitEnd} from './submit-wait'

export interface AfterSubmit extends WaitAndReport {
  /** An array or multi-node job: its children's outputs are fetched with `outputs --all`. */
  children: boolean
  oom?: OomRetry
  outputs?: OutputsPlan
  /** Each rerun of an OOM chain, into the recent jobs. */
  record: (made: Submission) => void
}

export async function waitAfterSubmit(
  clients: Clients,
  job: Submission,
  submitted: SubmitResult,
  options: AfterSubmit,
): Promise<number> {
  const {oom, outputs} = options
  let last: WaitEnd
  if (oom) {
    const {waitWithOomRetry} = await import('./oom-retry.js')
    last = await waitWithOomRetry(clients, job, submitted, {...options, oom})
  } else last = {exitCode: await waitAndReport(clients, job, submitted, options), jobId: job.jobId}

  if (!outputs) return last.exitCode
  const {bringOutputsBack} = await import('./outputs-back.js')
  return bringOutputsBack(clients, outputs, last, options)
}
