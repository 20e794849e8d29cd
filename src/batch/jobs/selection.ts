/**
 * Which jobs a `status` or `kill` is about: ids given as arguments, or a queue with filters. Parsed and checked
 * before any API call (a malformed id or filter is bad input, exit 2), then resolved to JobDetails.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'
import type {RecentResolver} from '../history/recent'

import {InputError, invalid} from '../../errors'
import {QUEUE, QUEUE_ALLOWED} from '../definition/job-spec'
import {parseSince} from '../parse/time'
import {parseJobIds} from './ids'
import {describeJobs, type JobFilter, listJobs, parseStates} from './query'

export type Selection =
  {filter: JobFilter; kind: 'queue'} | {ids: string[]; kind: 'ids'} | {ids: string[]; kind: 'recent'; where: string}

export interface SelectionInput {
  args: readonly string[]
  /** The configured queue (`status` only): used when neither ids nor `--queue` are given. */
  defaultQueue?: string
  /** Where the configured queue comes from, for messages (an environment variable, a config file key). */
  defaultQueueSource?: string
  limit?: number
  name?: string
  queue?: string
  /** Reads `last` and `last~N` among the ids. */
  recent?: RecentResolver
  /** `status` only: the jobs submitted from here (newest first), listed when nothing else chooses jobs. */
  recentJobs?: {ids: readonly string[]; where: string}
  since?: string
  state?: readonly string[]
}

const FILTER_FLAGS = ['queue', 'state', 'name', 'since', 'limit'] as const

export function parseSelection(input: SelectionInput, now: number): Selection {
  if (input.args.length > 0) {
    const stray = FILTER_FLAGS.find((flag) => input[flag] !== undefined)
    if (stray) throw new InputError(`--${stray} chooses jobs by queue; give job ids or --queue, not both`)
    return {ids: parseJobIds(input.args, 'job id', input.recent), kind: 'ids'}
  }

  const queue = (input.queue ?? input.defaultQueue)?.trim()
  if (!queue && input.recentJobs) {
    const {ids, where} = input.recentJobs
    if (ids.length === 0) {
      throw new InputError(
        `no job submitted from this machine to ${where} is remembered; give job ids, or --queue QUEUE`,
      )
    }

    const stray = FILTER_FLAGS.find((flag) => flag !== 'limit' && input[flag] !== undefined)
    if (stray) throw new InputError(`--${stray} chooses jobs by queue; add --queue QUEUE`)
    return {ids: ids.slice(0, input.limit ?? ids.length), kind: 'recent', where}
  }

  if (!queue) throw new InputError('give one or more job ids, or --queue QUEUE to choose jobs by queue')
  if (!QUEUE.test(queue)) {
    const source = input.queue === undefined ? (input.defaultQueueSource ?? 'the configured queue') : '--queue'
    throw invalid(source, input.queue ?? input.defaultQueue, QUEUE_ALLOWED)
  }

  const filter: JobFilter = {queue, states: parseStates(input.state)}
  if (input.name) filter.name = input.name
  if (input.since !== undefined) filter.since = parseSince(input.since, now)
  if (input.limit !== undefined) filter.limit = input.limit
  return {filter, kind: 'queue'}
}

export interface Selected {
  jobs: JobDetail[]
  /** Ids given that AWS does not know (always empty for a queue). */
  missing: string[]
}

/** The jobs selected, described (ids in the order given; a queue's newest first). */
export async function selectJobs(batch: BatchApi, selection: Selection): Promise<Selected> {
  if (selection.kind === 'ids') return describeJobs(batch, selection.ids)
  // Recent jobs AWS no longer keeps (about 7 days) are simply not shown.
  if (selection.kind === 'recent') return {jobs: (await describeJobs(batch, selection.ids)).jobs, missing: []}
  const listed = await listJobs(batch, selection.filter)
  // A job listed a moment ago may be gone by now; it is simply not shown.
  const {jobs} = await describeJobs(
    batch,
    listed.map((job) => job.jobId!),
  )
  return {jobs, missing: []}
}
