/**
 * A FAILED array parent carries no exit code of its own: its children do. Under `--wait` the parent exits with the
 * code of its lowest-index child that FAILED with one (DESIGN.md section 5), found with ListJobs on the array's
 * FAILED children, whose summaries carry each child's index, last container exit code and reason. The same list
 * names the failed children to the user (`submit --wait`, `status`), not only their count.
 */
import type {JobDetail, JobSummary} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

/** One FAILED child of an array job, as ListJobs summarises it. */
export interface FailedChild {
  exitCode?: number
  index: number
  /** The container's reason ("Essential container in task exited", "OutOfMemoryError: ..."), else the job's. */
  reason?: string
}

/** The child ids `JOB:0` .. `JOB:count-1`. */
export function childIds(parentId: string, count: number): string[] {
  return Array.from({length: count}, (_, index) => `${parentId}:${index}`)
}

/** An array parent (it has a size; its children have an index instead). */
export function isArrayParent(job: JobDetail): boolean {
  return job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined
}

/** The children of a summary list, lowest index first; a summary without an index is left out. */
export function failedChildren(summaries: readonly JobSummary[]): FailedChild[] {
  return summaries
    .flatMap((summary): FailedChild[] => {
      const index = summary.arrayProperties?.index
      if (index === undefined) return []
      const exitCode = summary.container?.exitCode
      const reason = summary.container?.reason ?? summary.statusReason
      return [{index, ...(exitCode === undefined ? {} : {exitCode}), ...(reason ? {reason} : {})}]
    })
    .sort((a, b) => a.index - b.index)
}

/** The exit code (1..255) of the lowest-index child that has one; undefined when none has. */
export function firstFailedChildCode(children: readonly FailedChild[]): number | undefined {
  let best: FailedChild | undefined
  for (const child of children) {
    const code = child.exitCode
    if (code === undefined || !Number.isInteger(code) || code < 1 || code > 255) continue
    if (!best || child.index < best.index) best = child
  }

  return best?.exitCode
}

/** ListJobs over every FAILED child of `parent` (pages of up to 1000), lowest index first. */
export async function failedChildrenOf(batch: BatchApi, parent: JobDetail): Promise<FailedChild[]> {
  const summaries: JobSummary[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages follow one another
    const page = await batch.listJobs({arrayJobId: parent.jobId, jobStatus: 'FAILED', nextToken})
    summaries.push(...(page.jobSummaryList ?? []))
    nextToken = page.nextToken
  } while (nextToken)

  return failedChildren(summaries)
}

/** Parents looked at, at most: a queue's listing of many failed arrays must not cost a ListJobs per row. */
const LOOKED_UP_PARENTS = 10

/** The array parents among `jobs` with a FAILED child (the first ten), and those children: one ListJobs each. */
export async function failedChildrenByParent(
  batch: BatchApi,
  jobs: readonly JobDetail[],
): Promise<Map<string, FailedChild[]>> {
  const found = new Map<string, FailedChild[]>()
  for (const job of jobs) {
    if (found.size >= LOOKED_UP_PARENTS) break
    const failed = job.arrayProperties?.statusSummary?.FAILED ?? (job.status === 'FAILED' ? 1 : 0)
    if (!isArrayParent(job) || failed === 0 || !job.jobId) continue
    // eslint-disable-next-line no-await-in-loop -- few parents; ListJobs is rate limited
    found.set(job.jobId, await failedChildrenOf(batch, job))
  }

  return found
}
