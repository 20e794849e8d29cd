/**
 * `rerun` of a `--tasks` job. With `--failed`: a new table of only the FAILED children's rows (in their order),
 * stored beside the old one, and the rerun is an array of that many children (a plain job for one). Without it: the
 * same table, presigned again (the old URL may have expired). Either way the command (the bootstrap's facts, or the
 * wrapper in front of it) names the new table, its URL replaces the old one in the environment and the job's tag
 * points to it. `--failed` on
 * another array job reruns its FAILED children with their original indices (indices.ts); on a plain job it is
 * refused.
 */
import type {KeyValuePair} from '@aws-sdk/client-batch'

import type {BatchApi, S3Api} from '../clients'
import type {OldJob, RerunRequests} from '../rerun/plan'

import {InputError, RuntimeError} from '../../errors'
import {DEFAULT_TIMEOUT_SECONDS} from '../definition/job'
import {withFacts} from '../package/bootstrap'
import {checkSubmitSize, packageUrlSeconds} from '../package/limits'
import {tasksFacts} from './bootstrap-step'
import {taskChildrenOf, tasksUrlOf} from './children'
import {rerunFailedIndices} from './indices'
import {encodeTasks, parseS3Url, TASKS_PREFIX, tasksLocation} from './stored'
import {DRY_RUN_TASKS_URL, type PreparedTasks, publishTasks, TASKS_TAG, tasksObject} from './submit-step'
import {TASKS_URL_ENV, unwrapTasks, wrapTasks} from './wrapper'

export interface TasksRerunContext {
  /** `--array-size` given: a `--tasks` job's size is its table's. */
  arraySize?: number
  batch: BatchApi
  dryRun: boolean
  failedOnly: boolean
  old: OldJob
  s3: () => Promise<S3Api>
}

export interface TasksRerun {
  notices: string[]
  requests: RerunRequests
}

export async function rerunTasks(requests: RerunRequests, context: TasksRerunContext): Promise<TasksRerun> {
  const {job} = context.old
  const url = tasksUrlOf(job)
  if (url === undefined) {
    if (!context.failedOnly) return {notices: [], requests}
    if (job.arrayProperties?.size === undefined) {
      throw new InputError(`--failed: job ${job.jobId} is not an array job; rerun it without --failed`)
    }

    if (context.arraySize !== undefined) {
      throw new InputError(`--array-size: --failed makes one child per FAILED child of job ${job.jobId}; drop it`)
    }

    return rerunFailedIndices(context.batch, job, requests)
  }

  if (context.arraySize !== undefined) {
    throw new InputError(`--array-size: job ${job.jobId} ran one child per row of its --tasks table; drop --array-size`)
  }

  const tasks = await taskChildrenOf(context.batch, context.s3, job)
  const children = context.failedOnly ? tasks!.children.filter((child) => child.status === 'FAILED') : tasks!.children
  if (children.length === 0) {
    throw new RuntimeError(
      `job ${job.jobId} has no FAILED children (of ${tasks!.children.length}); nothing to rerun (without --failed: all of them)`,
    )
  }

  const table = {names: tasks!.names, rows: children.map((child) => tasks!.names.map((name) => child.row[name]))}
  const stored = encodeTasks(table)
  const location = tasksLocation(rootOf(url), stored.sha256)
  const prepared: PreparedTasks = {file: url, location, stored, table}
  const {submitJob} = requests
  const urlSeconds = packageUrlSeconds({
    attempts: submitJob.retryStrategy?.attempts ?? 1,
    timeoutSeconds: submitJob.timeout?.attemptDurationSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  })
  const published = context.dryRun ? undefined : await publishTasks(await context.s3(), prepared, urlSeconds)
  const rerun = withTable(requests, prepared, published?.url ?? DRY_RUN_TASKS_URL)
  checkSubmitSize(rerun.submitJob)
  const indices = children.map((child) => child.index).join(', ')
  const notices = context.failedOnly
    ? [
        `rerunning ${children.length} FAILED of ${tasks!.children.length} rows (children ${indices}) as ` +
          (children.length === 1 ? 'a plain job' : `an array of ${children.length}`),
      ]
    : []
  return {notices: [...notices, ...(published?.notices ?? [])], requests: rerun}
}

/** The root the old table is under: `<root>/mfbatch/tasks/<sha>.env`. */
function rootOf(url: string): {bucket: string; prefix: string} {
  const place = parseS3Url(url)
  const at = place?.key.lastIndexOf(TASKS_PREFIX) ?? -1
  if (!place || at === -1) throw new RuntimeError(`the tag ${TASKS_TAG} holds ${JSON.stringify(url)}, not a task table`)
  return {bucket: place.bucket, prefix: place.key.slice(0, at).replace(/\/+$/, '')}
}

/**
 * The requests with the new table (pure): its place in the bootstrap's facts when the bootstrap holds the table's
 * step, else in a wrapper; its URL where the old job had one (stored steps fetch with aws or boto3, and have none);
 * the tag; the array size.
 */
export function withTable(requests: RerunRequests, tasks: PreparedTasks, url: string): RerunRequests {
  const copy = structuredClone(requests)
  const overrides = copy.submitJob.containerOverrides ?? {}
  const old = overrides.command ?? []
  const inBootstrap = withFacts(old, tasksFacts(tasksObject(tasks)))
  overrides.command = inBootstrap ?? wrapTasks(unwrapTasks(old), tasksObject(tasks))
  const hadUrl = (overrides.environment ?? []).some((v) => v.name === TASKS_URL_ENV)
  const environment: KeyValuePair[] = (overrides.environment ?? []).filter((v) => v.name !== TASKS_URL_ENV)
  overrides.environment = hadUrl || !inBootstrap ? [...environment, {name: TASKS_URL_ENV, value: url}] : environment
  copy.submitJob.containerOverrides = overrides
  copy.submitJob.tags = {...copy.submitJob.tags, [TASKS_TAG]: tasks.location.url}
  const rows = tasks.table.rows.length
  if (rows > 1) copy.submitJob.arrayProperties = {size: rows}
  else delete copy.submitJob.arrayProperties
  return copy
}
