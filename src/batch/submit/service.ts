/**
 * `mfbatch submit` without --dry-run: settings -> checked job spec -> queue and platform from AWS (or from the
 * cache of cache.ts) -> the two requests -> one job (once.ts). Input is checked in two steps so that bad input costs no API call:
 * `prepareSubmit` (pure) rejects what is wrong on every platform; once the queue has told which platform it is,
 * the spec is built for that platform, which catches the rest (an EC2-only flag on a Fargate queue).
 */
import type {ResolvedSettings} from '../../config/types'
import type {BatchApi, Clients} from '../clients'
import type {LogSink} from '../logs/reader'
import type {WatchOutcome} from '../watch/job-watcher'
import type {SubmitInputs} from './dry-run'

import {
  buildJobSpec,
  type JobSpec,
  parsePlatformChoice,
  type Platform,
  type PlatformChoice,
} from '../definition/job-spec'
import {buildRequests} from '../definition/requests'
import {explainAwsError} from '../errors'
import {readLogsByKind} from '../logs/by-kind'
import {type LogsOutcome} from '../logs/job-logs'
import {NODE_WATCH_HOOKS as MEMBER_WATCH_HOOKS} from '../nodes/all-logs'
import {chooseQueue, platformOfEnvironment, type QueueChoice, QueueNotFoundError} from '../queues/platform'
import {createWatcher, type WatcherHooks} from '../watch/create-watcher'
import {isRejection, type SubmitCache} from './cache'
import {submitJob, submitOnce, type SubmitOptions, type SubmitRequests, type SubmittedJob} from './once'

export interface PreparedSubmit {
  choice: PlatformChoice
  command: readonly string[]
  inputs: SubmitInputs
  /** The queue the settings name, if any. */
  queue?: string
  settings: Partial<ResolvedSettings>
  /** Built already when the platform is given; built after detection for `auto`. */
  spec?: JobSpec
}

/**
 * Everything that can be checked without AWS. With `--platform auto` the spec must be valid on EC2 or on Fargate;
 * when it is valid on neither, the EC2 error is the one shown (EC2 is the common case and accepts the most).
 */
export function prepareSubmit(
  settings: Partial<ResolvedSettings>,
  command: readonly string[],
  inputs: SubmitInputs,
): PreparedSubmit {
  const choice = parsePlatformChoice(settings.platform)
  const base = {choice, command, inputs, settings}
  if (choice !== 'auto') {
    const spec = buildJobSpec(settings, command, {...inputs, platform: choice})
    return {...base, queue: spec.queue, spec}
  }

  let trial: JobSpec
  try {
    trial = buildJobSpec(settings, command, {...inputs, platform: 'EC2'})
  } catch (ec2Error) {
    try {
      trial = buildJobSpec(settings, command, {...inputs, platform: 'FARGATE'})
    } catch {
      throw ec2Error
    }
  }

  return {...base, queue: trial.queue}
}

export interface Submission extends SubmittedJob {
  /** True when no queue was set and the first ENABLED and VALID one was used. */
  defaultedQueue: boolean
  platform: Platform
  /** The queue asked for, when it did not exist and gave way to the default one (`queueMayGiveWay`). */
  replacedQueue?: string
  /** Settings that are valid but do nothing, for stderr. */
  warnings: string[]
}

export interface SubmitPreparedOptions extends SubmitOptions {
  /** Queue platforms and definition ARNs remembered between runs (cache.ts); none unless given. */
  cache?: SubmitCache
  /**
   * `--local` with a queue from the user's AWS setup (local-names.ts): when the endpoint lacks it, the default queue
   * is taken instead of failing.
   */
  queueMayGiveWay?: boolean
}

/**
 * Submits to the queue the settings name, or the default one. With a cache that knows the queue (and the
 * definition), that is one call, SubmitJob; if AWS rejects it, the cached entries are dropped and the submit takes
 * the long way once: the queue described, the definition looked up or registered, then SubmitJob.
 */
export async function submitPrepared(
  batch: BatchApi,
  prepared: PreparedSubmit,
  options: SubmitPreparedOptions = {},
): Promise<Submission> {
  const {cache, queueMayGiveWay, ...submitOptions} = options
  const quick = cache ? await submitFromCache(batch, prepared, cache, submitOptions) : undefined
  return quick ?? submitLongWay(batch, prepared, submitOptions, {cache, queueMayGiveWay})
}

/** The queue asked for; or, when it may give way and does not exist, the default one. */
async function chooseOrGiveWay(
  batch: BatchApi,
  prepared: PreparedSubmit,
  mayGiveWay: boolean | undefined,
): Promise<QueueChoice & {replaced?: string}> {
  try {
    return await chooseQueue(batch, prepared.queue, prepared.choice)
  } catch (error) {
    if (!mayGiveWay || prepared.queue === undefined || !(error instanceof QueueNotFoundError)) throw error
    return {...(await chooseQueue(batch, undefined, prepared.choice)), defaulted: false, replaced: prepared.queue}
  }
}

async function submitLongWay(
  batch: BatchApi,
  prepared: PreparedSubmit,
  options: SubmitOptions,
  how: {cache?: SubmitCache; queueMayGiveWay?: boolean},
): Promise<Submission> {
  const {command, inputs, settings} = prepared
  const {cache} = how
  const queue = await chooseOrGiveWay(batch, prepared, how.queueMayGiveWay)
  const spec = prepared.spec ?? buildJobSpec(settings, command, {...inputs, platform: queue.platform})
  const requests = buildRequests(spec, queue.queue)
  const job = await submitJob(batch, requests, options)
  // The queue's own platform (not a --platform given for this submit), when it has a compute environment.
  const first = queue.info.computeEnvironments[0]
  cache?.remember({
    definition: {arn: job.jobDefinition, name: requests.registerJobDefinition.jobDefinitionName!},
    queue:
      first === undefined
        ? undefined
        : {
            // A queue that gave way is not remembered as the answer to its name: the next submit asks again.
            asked: cacheQueueKey(queue.replaced === undefined ? prepared.queue : undefined),
            platform: platformOfEnvironment(first),
            queue: queue.queue,
          },
  })
  return {
    ...job,
    defaultedQueue: queue.defaulted,
    platform: queue.platform,
    ...(queue.replaced === undefined ? {} : {replacedQueue: queue.replaced}),
    warnings: spec.warnings,
  }
}

/**
 * The short way, when the cache knows the queue: no DescribeJobQueues or DescribeComputeEnvironments, and no
 * DescribeJobDefinitions either when it knows the definition. Undefined sends the caller the long way: the queue is
 * not known, or AWS rejected what the cache said (and the entries used are gone).
 */
async function submitFromCache(
  batch: BatchApi,
  prepared: PreparedSubmit,
  cache: SubmitCache,
  options: SubmitOptions,
): Promise<Submission | undefined> {
  const {choice, command, inputs, settings} = prepared
  const hit = cache.queue(cacheQueueKey(prepared.queue))
  if (!hit) return undefined
  const platform = choice === 'auto' ? hit.platform : (choice.toUpperCase() as Platform)
  let spec: JobSpec
  try {
    spec = prepared.spec ?? buildJobSpec(settings, command, {...inputs, platform})
  } catch {
    // Not valid on the platform the cache says: maybe the queue changed. The long way says for sure.
    return undefined
  }

  const requests = buildRequests(spec, hit.queue)
  const name = requests.registerJobDefinition.jobDefinitionName!
  const arn = cache.definition(name)
  const watched = watchSubmitJob(batch)
  try {
    const job = arn
      ? await submitWithDefinition(watched.batch, requests, arn, options)
      : await submitJob(watched.batch, requests, options)
    if (!arn) cache.remember({definition: {arn: job.jobDefinition, name}})
    return {...job, defaultedQueue: prepared.queue === undefined, platform, warnings: spec.warnings}
  } catch (error) {
    if (!isRejection(watched.submitError())) throw error
    cache.forget({definition: name, queue: cacheQueueKey(prepared.queue)})
    return undefined
  }
}

/**
 * The cache's key for the queue a submit asked for. No queue set (as with `--local`) is remembered too, under a key
 * no queue name can have: the default queue found the long way, until the entry ages out or AWS rejects it.
 */
function cacheQueueKey(asked: string | undefined): string {
  return asked ?? '(default)'
}

/** SubmitJob (exactly once, once.ts) with a definition already known to exist. */
async function submitWithDefinition(
  batch: BatchApi,
  requests: SubmitRequests,
  arn: string,
  options: SubmitOptions,
): Promise<SubmittedJob> {
  const input = {...requests.submitJob, jobDefinition: arn}
  const made = await submitOnce(batch, input, options)
  return {...made, jobDefinition: arn, jobQueue: input.jobQueue!, registered: false}
}

/** The same BatchApi, keeping the last error SubmitJob answered (its sentence hides the exception's name). */
function watchSubmitJob(batch: BatchApi): {batch: BatchApi; submitError: () => unknown} {
  let last: unknown
  const watched = Object.create(batch) as BatchApi
  watched.submitJob = async (input) => {
    try {
      return await batch.submitJob(input)
    } catch (error) {
      last = error
      throw error
    }
  }

  return {batch: watched, submitError: () => last}
}

export interface WaitRequest {
  /** `--follow --all-nodes` of a multi-node job: every node's log. */
  allNodes?: boolean
  /** `--wait-timeout`, epoch ms. */
  deadline?: number
  /** `--follow`: log lines to the sink while waiting. */
  follow: boolean
  /** `--follow`: how long a finished job's stream must stay quiet before following ends (logs/grace.ts). */
  graceMs?: number
  jobId: string
  /** `--follow --verbose`: a GetLogEvents that failed for now, and when it is tried again. */
  onLogsRetry?: (error: unknown, delayMs: number) => void
  signal?: AbortSignal
}

/** AWS may take a few seconds to list a job it has just accepted (eventual consistency). */
const NEW_JOB_GRACE_MS = 10_000

/**
 * `--wait` and `--follow`: the job's end as an exit code (DESIGN.md section 5), through the one DescribeJobs loop.
 * Following starts at attempt 1: a first attempt that failed before the first DescribeJobs is still printed. An
 * array job is followed child by child, a multi-node job with `allNodes` node by node (logs/by-kind.ts).
 */
export async function waitForSubmitted(
  clients: Clients,
  request: WaitRequest,
  hooks: WatcherHooks,
  sink: LogSink,
): Promise<LogsOutcome | WatchOutcome> {
  const {deadline, graceMs, jobId, onLogsRetry, signal} = request
  const watcher = createWatcher(clients.batch, [jobId], {graceMs: NEW_JOB_GRACE_MS, ...hooks})
  if (!request.follow) return watcher.run({deadline, signal})
  const members = (ids: readonly string[]) => createWatcher(clients.batch, ids, MEMBER_WATCH_HOOKS)
  return readLogsByKind(
    {allNodes: request.allNodes, follow: true, from: 1, jobId},
    {
      deadline,
      graceMs,
      logs: clients.logs,
      onRetry: onLogsRetry,
      signal,
      watchChildren: members,
      watcher,
      watchNodes: members,
    },
    sink,
  )
}

/** `--kill-on-interrupt`: TerminateJob (which also cancels a job that has not started). */
export async function terminateSubmitted(batch: BatchApi, jobId: string): Promise<void> {
  try {
    await batch.terminateJob({jobId, reason: 'Interrupted: mfbatch submit --kill-on-interrupt'})
  } catch (error) {
    throw explainAwsError(error, `terminating job ${jobId}`)
  }
}
