/**
 * Submit's `--tasks` step (DESIGN.md section 12). Before any API call: the file read and checked (table.ts), the
 * flags it cannot go with refused, the array size set to the number of rows (one row: a plain job). Once
 * connected: the stored table uploaded beside the packages if S3 lacks it, presigned, and the job's command
 * wrapped (wrapper.ts), with the URL in the job's environment and the table's place in the tag TASKS_TAG, which
 * `status` and `rerun --failed` read.
 */
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'

import type {ResolvedSettings, Sourced} from '../../config/types'
import type {S3Api} from '../clients'

import {InputError} from '../../errors'
import {presignLife} from '../package/limits'
import {type PackageLocation, parsePackageRoot} from '../package/root'
import {keyValues} from '../parse/values'
import {encodeTasks, type StoredTasks, tasksLocation} from './stored'
import {parseTaskTable, type TaskTable} from './table'
import {TASKS_URL_ENV, type TasksObject, wrapTasks} from './wrapper'

/** The tag that says where a job's task table is: `s3://BUCKET/KEY`. */
export const TASKS_TAG = 'mfbatch:tasks'
export const DRY_RUN_TASKS_URL = '<presigned GET URL of the task table, made at submit>'

export interface PreparedTasks {
  /** As the user named it, for messages. */
  file: string
  location: PackageLocation
  stored: StoredTasks
  table: TaskTable
}

export interface TasksRequest {
  cwd: string
  file?: string
  local: boolean
  /** `--nodes`, which an array cannot go with. */
  nodes?: string
  settings: Pick<ResolvedSettings, 'arraySize' | 'packageRoot'>
}

export function prepareTasks(request: TasksRequest): PreparedTasks | undefined {
  const {file, settings} = request
  if (file === undefined) return undefined
  if (settings.arraySize.value !== undefined && settings.arraySize.value !== null) {
    throw new InputError(
      `--tasks makes one array child per row of ${file}; drop ${settings.arraySize.origin.label} ` +
        `(${String(settings.arraySize.value)})`,
    )
  }

  if (request.nodes !== undefined) {
    throw new InputError(`--tasks and --nodes cannot go together: a multi-node job cannot be an array job`)
  }

  const root = settings.packageRoot.value
  if ((root === undefined || root === null || root === '') && !request.local) {
    throw new InputError(
      '--tasks needs an S3 root for the table: set --package-root s3://BUCKET/PREFIX or ' +
        'METAFLOW_DATASTORE_SYSROOT_S3 (environment or Metaflow config)',
    )
  }

  const placed = parsePackageRoot(settings.packageRoot, request.local)
  let text: string
  try {
    text = readFileSync(resolve(request.cwd, file), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`--tasks: cannot read ${file} (${code}); give a TSV or CSV file with a header row`)
  }

  const table = parseTaskTable(file, text)
  const stored = encodeTasks(table)
  return {file, location: tasksLocation(placed, stored.sha256), stored, table}
}

/** One child per row: the array size from the table (a plain job for one row). */
export function withTaskRows<T extends Partial<ResolvedSettings>>(settings: T, tasks: PreparedTasks): T {
  const rows = tasks.table.rows.length
  return rows > 1 ? {...settings, arraySize: {origin: {kind: 'flag', label: '--tasks'}, value: rows}} : settings
}

/** The stderr note for a table of one row, else undefined. */
export function oneRowNote(tasks: PreparedTasks): string | undefined {
  return tasks.table.rows.length === 1 ? `${tasks.file} has one row: submitting a plain job, not an array` : undefined
}

/**
 * A NAME=VALUE setting (env, tags) with one pair set over the rest. A setting that does not parse is left as it is:
 * building the job spec names the problem.
 */
function withPair(setting: Sourced | undefined, label: string, name: string, value: string): Sourced {
  let pairs: Array<[string, string]>
  try {
    pairs = keyValues(setting, '=', 'use NAME=VALUE')
  } catch {
    return setting!
  }

  const origin = setting?.origin ?? {kind: 'default' as const, label}
  return {origin, value: Object.fromEntries([...pairs.filter(([key]) => key !== name), [name, value]])}
}

/** Where the job finds its table, for the wrapper (wrapper.ts) or the bootstrap's step (bootstrap-step.ts). */
export function tasksObject(tasks: PreparedTasks): TasksObject {
  return {bucket: tasks.location.bucket, key: tasks.location.key, sha256: tasks.stored.sha256}
}

/**
 * The job with the table's place in a tag and, for the wrapper or the command's bootstrap, the URL in its
 * environment (undefined for stored steps, which fetch with aws or boto3). The wrapper goes in front of the
 * command unless its bootstrap already holds the table's step (`inBootstrap`: submit/inputs-step.ts).
 */
export function tasksJob<T extends Partial<ResolvedSettings>>(
  job: {command: readonly string[]; settings: T},
  tasks: PreparedTasks,
  how: {inBootstrap: boolean; url?: string},
): {command: string[]; settings: T} {
  const {url} = how
  const settings = {
    ...job.settings,
    ...(url === undefined ? {} : {env: withPair(job.settings.env, '--env', TASKS_URL_ENV, url)}),
    tags: withPair(job.settings.tags, '--tag', TASKS_TAG, tasks.location.url),
  }
  return {command: how.inBootstrap ? [...job.command] : wrapTasks(job.command, tasksObject(tasks)), settings}
}

export interface PublishedTasks {
  notices: string[]
  uploaded: boolean
  url: string
}

/** HeadObject first; the table uploaded only when missing; then its presigned URL for images without aws or boto3. */
export async function publishTasks(s3: S3Api, tasks: PreparedTasks, urlSeconds: number): Promise<PublishedTasks> {
  const {bucket, key} = tasks.location
  const exists = await s3.exists(bucket, key)
  if (!exists) await s3.putText(bucket, key, tasks.stored.body)
  const life = presignLife(Date.now(), await s3.credentialsExpiry(), urlSeconds)
  const url = await s3.presignGet(bucket, key, life.seconds)
  return {
    notices: life.notice ? [life.notice.replace("the package's", "the task table's")] : [],
    uploaded: !exists,
    url,
  }
}
