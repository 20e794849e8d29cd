/**
 * A `--tasks` job read back: its table (from the S3 URL in its TASKS_TAG tag) and each child's state beside its
 * row, for `status` and for `rerun --failed`. Children are described by id (`JOB:N`, 100 a call), which covers
 * every state at once; a plain job of one row is its own only child.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi, S3Api} from '../clients'

import {RuntimeError} from '../../errors'
import {explainAwsError} from '../errors'
import {DESCRIBE_BATCH_SIZE} from '../watch/job-watcher'
import {decodeTasks, parseS3Url} from './stored'
import {TASKS_TAG} from './submit-step'
import {type TaskTable} from './table'

export interface TaskChild {
  exitCode: null | number
  index: number
  jobId: string
  /** The child's row: header name -> value. */
  row: Record<string, string>
  status: string
  statusReason: null | string
}

export interface TaskChildren {
  children: TaskChild[]
  names: string[]
  /** The table's S3 URL (the tag's value). */
  table: string
}

/** The table's S3 URL when the job was submitted with `--tasks`. */
export function tasksUrlOf(job: JobDetail): string | undefined {
  return job.tags?.[TASKS_TAG]
}

/** The stored table of a `--tasks` job, read from S3 and decoded; a sentence saying what to do when it cannot be. */
export async function readTaskTable(s3: S3Api, url: string): Promise<TaskTable> {
  const place = parseS3Url(url)
  if (!place) throw new RuntimeError(`the tag ${TASKS_TAG} holds ${JSON.stringify(url)}, not an s3:// URL`)
  let text: string
  try {
    text = await s3.getText(place.bucket, place.key)
  } catch (error) {
    throw explainAwsError(error, `reading the task table ${url}`)
  }

  const table = decodeTasks(text)
  if (!table) throw new RuntimeError(`${url} is not a task table written by mfbatch submit --tasks`)
  return table
}

/** Each child's state and row; undefined for a job not submitted with `--tasks`. */
export async function taskChildrenOf(
  batch: BatchApi,
  s3: () => Promise<S3Api>,
  job: JobDetail,
): Promise<TaskChildren | undefined> {
  const url = tasksUrlOf(job)
  if (url === undefined || job.arrayProperties?.index !== undefined) return undefined
  const table = await readTaskTable(await s3(), url)
  const size = job.arrayProperties?.size
  const details = size === undefined ? [job] : await describeChildren(batch, job.jobId!, size)
  const byIndex = new Map(details.map((child) => [child.arrayProperties?.index ?? 0, child]))
  const children = table.rows.map((values, index) => {
    const child = byIndex.get(index)
    return {
      exitCode: child?.container?.exitCode ?? null,
      index,
      jobId: size === undefined ? job.jobId! : `${job.jobId}:${index}`,
      row: Object.fromEntries(table.names.map((name, i) => [name, values[i]])),
      status: child?.status ?? 'UNKNOWN',
      statusReason: child?.container?.reason ?? child?.statusReason ?? null,
    }
  })
  return {children, names: table.names, table: url}
}

/** Every child of an array job, described by id (`JOB:N`, 100 a call), in any state. */
export async function describeChildren(batch: BatchApi, parent: string, size: number): Promise<JobDetail[]> {
  const ids = Array.from({length: size}, (_, i) => `${parent}:${i}`)
  const found: JobDetail[] = []
  for (let i = 0; i < ids.length; i += DESCRIBE_BATCH_SIZE) {
    // eslint-disable-next-line no-await-in-loop -- one page after another, paced by the SDK's retries
    const page = await batch.describeJobs({jobs: ids.slice(i, i + DESCRIBE_BATCH_SIZE)}).catch((error: unknown) => {
      throw explainAwsError(error, `describing the children of job ${parent}`)
    })
    found.push(...(page.jobs ?? []))
  }

  return found
}
