/**
 * Ctrl-C during a submit, before SubmitJob has answered. The job may or may not exist: AWS may have made it and the
 * answer be on its way. Nothing is sent again; instead one lookup (once.ts: by name on the queue, then by the
 * submission tag) tells "submitted as ID" from "not submitted". A SubmitJob never sent needs no lookup.
 */
import type {SubmitJobCommandInput} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {lookUp, type Made, SUBMISSION_TAG} from './once'

/** How long the one lookup may take: Ctrl-C must not hang on a slow or throttling API. */
export const LOOKUP_WITHIN_MS = 5000

export type InterruptedSubmit =
  | {error: string; input: SubmitJobCommandInput; state: 'unknown'}
  | {input: SubmitJobCommandInput; state: 'not-submitted'}
  | {job: Made; state: 'submitted'}
  | {state: 'not-sent'}

/** A BatchApi that remembers the SubmitJob it sent and its answer, for the Ctrl-C lookup. */
export class SubmitTracker {
  readonly batch: BatchApi
  private answered?: Made
  private sent?: SubmitJobCommandInput
  private settling = false

  constructor(private readonly inner: BatchApi) {
    const tracked = Object.create(inner) as BatchApi
    tracked.submitJob = async (input) => {
      // Once Ctrl-C has been answered, a submit still on its way (its earlier calls just answered) sends nothing.
      if (this.settling) throw new Error('interrupted before SubmitJob was sent')
      this.sent = input
      const out = await inner.submitJob(input)
      this.answered = {jobArn: out.jobArn, jobId: out.jobId!, jobName: out.jobName ?? input.jobName!}
      return out
    }

    this.batch = tracked
  }

  /** The queue the SubmitJob went to, once one was sent. */
  get queue(): string | undefined {
    return this.sent?.jobQueue
  }

  /** What became of the submit at Ctrl-C: the answer if it came, else what one lookup finds. */
  async settle(withinMs = LOOKUP_WITHIN_MS): Promise<InterruptedSubmit> {
    this.settling = true
    if (this.answered) return {job: this.answered, state: 'submitted'}
    const input = this.sent
    if (!input) return {state: 'not-sent'}
    const token = input.tags?.[SUBMISSION_TAG]
    if (!token) return {error: 'the submit carried no submission tag', input, state: 'unknown'}
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${withinMs / 1000}s`)), withinMs)
    })
    try {
      const found = await Promise.race([lookUp(this.inner, input, token), late])
      return found ? {job: found, state: 'submitted'} : {input, state: 'not-submitted'}
    } catch (error) {
      return {error: (error as Error).message, input, state: 'unknown'}
    } finally {
      clearTimeout(timer)
    }
  }
}
