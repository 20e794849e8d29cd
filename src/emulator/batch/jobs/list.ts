/**
 * ListJobs selection and paging, as AWS documents it:
 * - without filters: jobs in `jobStatus` (RUNNING when not given), in submission order, pages of up to 1000;
 * - with filters: jobStatus is ignored, every filter must match (a filter's values are alternatives), newest first,
 *   pages of up to 100. JOB_NAME is case-insensitive, JOB_DEFINITION case-sensitive; a trailing `*` means "starts
 *   with". BEFORE_/AFTER_CREATED_AT compare createdAt with a number of epoch milliseconds.
 * - array children (arrayJobId) are listed by status only: filters do not apply to them.
 * The nextToken is a cursor on the submission sequence, so jobs changing state between pages do not shift pages.
 */
import {ApiError} from '../../contract'
import {parseBatchArn} from '../arn'
import {decodeToken, encodeToken} from '../paging'
import {JobRecord, JobSpec, JobStatus} from '../types'

export interface ListFilter {
  name?: string
  values?: string[]
}

export interface ListQuery {
  filters?: ListFilter[]
  jobStatus?: JobStatus
  maxResults?: number
  nextToken?: string
}

const startsOrEquals = (value: string, pattern: string): boolean =>
  pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern

function matchesFilter(job: JobRecord, spec: JobSpec, filter: ListFilter): boolean {
  const values = filter.values ?? []
  switch (filter.name) {
    case 'AFTER_CREATED_AT': {
      return values.some((v) => job.createdAt > Number(v))
    }

    case 'BEFORE_CREATED_AT': {
      return values.some((v) => job.createdAt < Number(v))
    }

    case 'JOB_DEFINITION': {
      return values.some((v) =>
        parseBatchArn(v) ? spec.jobDefinitionArn === v : startsOrEquals(spec.jobDefinitionName, v),
      )
    }

    case 'JOB_NAME': {
      return values.some((v) => startsOrEquals(spec.jobName.toLowerCase(), v.toLowerCase()))
    }

    default: {
      throw new ApiError('ClientException', `Unsupported filter name ${String(filter.name)}.`)
    }
  }
}

/**
 * One page of `jobs` (a queue's top-level jobs or an array's children, in submission order). `specOf` gives a job's
 * spec (children share their parent's).
 */
export function selectJobs(
  jobs: readonly JobRecord[],
  query: ListQuery,
  specOf: (job: JobRecord) => JobSpec,
): {jobs: JobRecord[]; nextToken?: string} {
  const filters = query.filters?.length ? query.filters : undefined
  const newestFirst = filters !== undefined
  const limit = newestFirst ? 100 : 1000
  const size = Math.min(query.maxResults ?? limit, limit)
  const after = query.nextToken === undefined ? undefined : Number(decodeToken(query.nextToken).seq)
  const status = query.jobStatus ?? 'RUNNING'
  const matches = (job: JobRecord): boolean =>
    filters ? filters.every((f) => matchesFilter(job, specOf(job), f)) : job.status === status

  const page: JobRecord[] = []
  const n = jobs.length
  for (let i = 0; i < n && page.length <= size; i++) {
    const job = jobs[newestFirst ? n - 1 - i : i]
    if (after !== undefined && (newestFirst ? job.seq >= after : job.seq <= after)) continue
    if (matches(job)) page.push(job)
  }

  // One extra match was looked for: it tells whether a next page exists.
  if (page.length <= size) return {jobs: page}
  page.pop()
  return {jobs: page, nextToken: encodeToken({seq: page.at(-1)!.seq})}
}
