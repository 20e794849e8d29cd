/**
 * `submit --wait|--follow --oom-retry N [--oom-factor F]`: waits as `--wait` does; when the job fails with AWS Batch's
 * out-of-memory reason, reruns it with more memory (src/batch/oom), says so on stderr, and waits on the new job, up
 * to N times. An array job whose failed children all ran out of memory has those children rerun as one new array.
 * Exits with the last job's code; with --json, one document for the last job and the chain.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {Clients} from '../batch/clients'
import type {OomRetry} from '../batch/oom/grow'
import type {Submission} from '../batch/submit/service'

import {failedChildren, rerunChildren} from '../batch/oom/array'
import {grownMemory, memoryOf, ranOutOfMemory} from '../batch/oom/grow'
import {queueMemoryCeiling, rerunWithMemory} from '../batch/oom/rerun'
import {isArrayParent} from '../batch/watch/array-children'
import {jsonDocument} from '../output/json'
import {type SubmitResult, submitResult, submitWaitResult} from '../output/submit-report'
import {type SubmitWaitOutcome, type WaitAndReport, type WaitEnd, waitOnSubmitted, waitOptionsOf} from './submit-wait'

export interface OomChainLink {
  jobId: string
  /** MiB the job had. */
  memory: null | number
}

type ChainFlags = WaitAndReport & {oom: OomRetry; record: (made: Submission) => void}

/** What to do after a job ended: rerun what ran out of memory (and say so), or stop (saying why, if it matters). */
type Next = {line: string; made: Submission} | {line?: string; made?: undefined}

/** Waits on `job`, then on each rerun with more memory; resolves with the last job and its exit code. */
export async function waitWithOomRetry(
  clients: Clients,
  job: Submission,
  submitted: SubmitResult,
  flags: ChainFlags,
): Promise<WaitEnd> {
  let current = job
  let result = submitted
  const ceiling = lazyCeiling(clients)
  const chain: OomChainLink[] = []
  let waited: SubmitWaitOutcome
  for (let reruns = 0; ; reruns++) {
    // eslint-disable-next-line no-await-in-loop -- each job is waited on after the one it replaces
    waited = await waitOnSubmitted(clients, current, waitOptionsOf(flags))
    const last = waited.job
    chain.push({jobId: current.jobId, memory: (last && memoryOf(last)) ?? null})
    if (waited.end !== 'finished' || !last) break
    // eslint-disable-next-line no-await-in-loop
    const next = await nextStep(clients, last, {ceiling, flags, reruns})
    if (next.line) process.stderr.write(`${flags.bin}: ${next.line}\n`)
    if (!next.made) break
    flags.record(next.made)
    current = next.made
    result = submitResult(next.made)
  }

  if (flags.json) {
    process.stdout.write(jsonDocument({...submitWaitResult(result, waited, Date.now()), oomChain: chain}))
  }

  return {exitCode: waited.exitCode, jobId: current.jobId}
}

/** The queue's memory ceiling, asked for once, when the first OOM calls for it. */
function lazyCeiling(clients: Clients): (job: JobDetail) => Promise<number | undefined> {
  let asked: Promise<number | undefined> | undefined
  return (job) => {
    asked ??= queueMemoryCeiling(clients.batch, job)
    return asked
  }
}

async function nextStep(
  clients: Clients,
  last: JobDetail,
  {
    ceiling,
    flags,
    reruns,
  }: {ceiling: (job: JobDetail) => Promise<number | undefined>; flags: ChainFlags; reruns: number},
): Promise<Next> {
  const memory = memoryOf(last)
  const array = isArrayParent(last) && last.status === 'FAILED'
  const children = array ? await failedChildren(clients.batch, last) : undefined
  if (memory === undefined || (children ? children.oom.length === 0 : !ranOutOfMemory(last))) return {}
  const what = children ? `array job ${last.jobId}: ${childrenText(children.oom)}` : `job ${last.jobId}`
  if (children && children.otherFailures > 0) {
    return {
      line: `${what} ran out of memory, and ${children.otherFailures} other children failed otherwise; not rerunning`,
    }
  }

  const {factor, times} = flags.oom
  if (reruns >= times)
    return {line: `${what} ran out of memory at ${memory} MiB again; --oom-retry ${times} is used up`}
  const next = grownMemory(memory, factor, await ceiling(last))
  if (next === undefined) {
    return {line: `${what} ran out of memory at ${memory} MiB, the most its queue can give one job; not rerunning`}
  }

  const made = children
    ? await rerunChildren(clients.batch, last.jobId!, children.oom, next)
    : await rerunWithMemory(clients.batch, last.jobId!, next)
  const again = children ? `rerunning ${children.oom.length === 1 ? 'it' : 'them'}` : 'rerunning it'
  return {
    line: `${what} ran out of memory at ${memory} MiB; ${again} with ${next} MiB (--oom-retry ${reruns + 1} of ${times}) as job ${made.jobId}`,
    made,
  }
}

function childrenText(indices: readonly number[]): string {
  return `${indices.length === 1 ? 'child' : 'children'} ${indices.join(', ')}`
}
