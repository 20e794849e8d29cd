/**
 * Finding jobs: DescribeJobs for any number of ids, and ListJobs with the filters `status --queue` and
 * `kill --queue` share. Nothing here prints; AWS errors leave as sentences (errors.ts).
 */
import type {JobDetail, JobStatus, JobSummary, KeyValuesPair, ListJobsCommandInput} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {invalid} from '../../errors'
import {explainAwsError} from '../errors'
import {describeQueue} from '../queues/platform'
import {DESCRIBE_BATCH_SIZE} from '../watch/job-watcher'
import {mapLimit} from './pool'

/** DescribeJobs calls in flight at once: 250 ids take 3 calls at the same time, 10,000 ids go 4 at a time. */
export const DESCRIBE_CONCURRENCY = 4

/** Every job status, in lifecycle order. */
export const JOB_STATES: readonly JobStatus[] = [
  'SUBMITTED',
  'PENDING',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
]
/** The statuses of a job that has not finished: what `--queue` lists when no `--state` is given. */
export const ACTIVE_STATES: readonly JobStatus[] = JOB_STATES.slice(0, 5)

export interface Described {
  /** Found jobs, in the order their ids were given. */
  jobs: JobDetail[]
  /** Ids DescribeJobs does not know (never existed, or older than the ~7 days AWS keeps finished jobs). */
  missing: string[]
}

/** DescribeJobs for any number of ids: 100 per call, a few calls in parallel. Duplicate ids are asked for once. */
export async function describeJobs(
  batch: BatchApi,
  ids: readonly string[],
  concurrency = DESCRIBE_CONCURRENCY,
): Promise<Described> {
  const unique = [...new Set(ids)]
  const chunks: string[][] = []
  for (let i = 0; i < unique.length; i += DESCRIBE_BATCH_SIZE) chunks.push(unique.slice(i, i + DESCRIBE_BATCH_SIZE))
  const pages = await mapLimit(chunks, concurrency, async (chunk) => {
    try {
      return (await batch.describeJobs({jobs: chunk})).jobs ?? []
    } catch (error) {
      throw explainAwsError(error, 'describing jobs')
    }
  })
  const byId = new Map<string, JobDetail>()
  for (const job of pages.flat()) if (job.jobId) byId.set(job.jobId.toLowerCase(), job)
  return {
    jobs: unique.flatMap((id) => byId.get(id.toLowerCase()) ?? []),
    missing: unique.filter((id) => !byId.has(id.toLowerCase())),
  }
}

/** `--state` values (case-insensitive, repeatable, `all` for every status); none given means the active ones. */
export function parseStates(values?: readonly string[], source = '--state'): JobStatus[] {
  if (!values || values.length === 0) return [...ACTIVE_STATES]
  const states = new Set<JobStatus>()
  for (const value of values.flatMap((v) => v.split(','))) {
    const upper = value.trim().toUpperCase()
    if (upper === 'ALL') for (const state of JOB_STATES) states.add(state)
    else if ((JOB_STATES as readonly string[]).includes(upper)) states.add(upper as JobStatus)
    else throw invalid(source, value, `use one of ${JOB_STATES.join(', ')} or all`)
  }

  return JOB_STATES.filter((state) => states.has(state))
}

export interface JobFilter {
  /** Stop after this many jobs (the newest first). */
  limit?: number
  /** A prefix (`train`), or a glob with `*`, `?` (`train-*-v2`), matched case-insensitively as AWS does. */
  name?: string
  queue: string
  /** Only jobs created at or after this moment, epoch ms. */
  since?: number
  states: readonly JobStatus[]
}

const GLOB = /[*?]/

/** Whether a job name matches `--name`: a prefix when it has no wildcard, else the whole glob. */
export function nameMatcher(name: string | undefined): (jobName: string | undefined) => boolean {
  if (!name) return () => true
  const lower = name.toLowerCase()
  if (!GLOB.test(name)) return (jobName) => (jobName ?? '').toLowerCase().startsWith(lower)
  const pattern = lower
    .replaceAll(/[$()+.[\\\]^{|}]/g, String.raw`\$&`)
    .replaceAll('*', '.*')
    .replaceAll('?', '.')
  const regex = new RegExp(`^${pattern}$`)
  return (jobName) => regex.test((jobName ?? '').toLowerCase())
}

/**
 * The ListJobs requests for a filter (pure). With a filter AWS ignores `jobStatus` and returns every status, and
 * mfbatch sends one filter per call, so the most selective one goes to AWS (the name's literal prefix, as
 * `prefix*`, else the creation time) and the rest is checked here. Without a filter, one request per wanted status.
 */
export function listRequests(filter: JobFilter): ListJobsCommandInput[] {
  const prefix = filter.name?.split(GLOB)[0]
  let server: KeyValuesPair | undefined
  if (prefix) server = {name: 'JOB_NAME', values: [`${prefix}*`]}
  // AWS compares "created after" strictly; one millisecond earlier keeps a job created exactly at --since.
  else if (filter.since !== undefined) server = {name: 'AFTER_CREATED_AT', values: [String(filter.since - 1)]}
  // Pages: up to 100 jobs with a filter, 1000 without (AWS's limits).
  if (server) return [{filters: [server], jobQueue: filter.queue, maxResults: 100}]
  return filter.states.map((jobStatus) => ({jobQueue: filter.queue, jobStatus, maxResults: 1000}))
}

/** Whether a listed job passes every part of the filter (the part AWS applied is checked again, harmlessly). */
export function matchesFilter(filter: JobFilter): (job: JobSummary) => boolean {
  const nameOk = nameMatcher(filter.name)
  const states = new Set<string>(filter.states)
  return (job) =>
    states.has(job.status ?? '') &&
    nameOk(job.jobName) &&
    (filter.since === undefined || (job.createdAt ?? 0) >= filter.since)
}

/**
 * The jobs of a queue that pass the filter, newest first, at most `limit`. Pages are followed until the limit is
 * reached or AWS has no more.
 *
 * One request per status is asked one after the other, in the order a job goes through them (SUBMITTED first, the
 * ended ones last): a job moves only forward, so asked in that order it is found in some status, however fast it
 * moves, where requests in parallel could ask RUNNING before it got there and RUNNABLE after it left. (A retried job
 * that goes back to RUNNABLE can still slip between two requests.) A job found twice keeps its later status.
 */
export async function listJobs(batch: BatchApi, filter: JobFilter): Promise<JobSummary[]> {
  const matches = matchesFilter(filter)
  const limit = filter.limit ?? Number.POSITIVE_INFINITY
  const byId = new Map<string, JobSummary>()
  for (const request of inLifecycleOrder(listRequests(filter))) {
    let found = 0
    let nextToken: string | undefined
    do {
      // eslint-disable-next-line no-await-in-loop -- one request after the other, see above; pages follow tokens
      const page = await listPage(batch, {...request, nextToken}, filter.queue)
      for (const job of (page.jobSummaryList ?? []).filter((summary) => matches(summary))) {
        if (!job.jobId) continue
        byId.set(job.jobId, job)
        found++
      }

      nextToken = page.nextToken
    } while (nextToken && found < limit)
  }

  return [...byId.values()].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)).slice(0, limit)
}

/** Requests by status in the order of a job's life (requests with a filter, which cover every status, stay as they are). */
export function inLifecycleOrder(requests: ListJobsCommandInput[]): ListJobsCommandInput[] {
  const rank = (request: ListJobsCommandInput): number =>
    request.jobStatus === undefined ? -1 : JOB_STATES.indexOf(request.jobStatus as JobStatus)
  return [...requests].sort((a, b) => rank(a) - rank(b))
}

async function listPage(batch: BatchApi, request: ListJobsCommandInput, queue: string) {
  try {
    return await batch.listJobs(request)
  } catch (error) {
    // A ClientException here is most often a queue that does not exist: say so, with the queues that do.
    const doing = `listing jobs in queue "${queue}"`
    if ((error as Error).name === 'ClientException') {
      try {
        await describeQueue(batch, queue)
      } catch (queueError) {
        throw explainAwsError(queueError, doing)
      }
    }

    throw explainAwsError(error, doing)
  }
}
