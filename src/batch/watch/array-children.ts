/**
 * A FAILED array parent carries no exit code of its own: its children do. Under `--wait` the parent exits with the
 * code of its lowest-index child that FAILED with one (DESIGN.md section 5), found with ListJobs on the array's
 * FAILED children, whose summaries carry each child's index and last container exit code.
 */
import type {JobDetail, JobSummary} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

/** An array parent (it has a size; its children have an index instead). */
export function isArrayParent(job: JobDetail): boolean {
  return job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined
}

/** The exit code (1..255) of the lowest-index child that has one; undefined when none has. */
export function firstFailedChildCode(children: readonly JobSummary[]): number | undefined {
  let best: undefined | {code: number; index: number}
  for (const child of children) {
    const code = child.container?.exitCode
    const index = child.arrayProperties?.index
    if (code === undefined || !Number.isInteger(code) || code < 1 || code > 255 || index === undefined) continue
    if (!best || index < best.index) best = {code, index}
  }

  return best?.code
}

/** ListJobs over every FAILED child of `parent` (pages of up to 1000), then the first failed child's code. */
export async function firstFailedChildOf(batch: BatchApi, parent: JobDetail): Promise<number | undefined> {
  const children: JobSummary[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages follow one another
    const page = await batch.listJobs({arrayJobId: parent.jobId, jobStatus: 'FAILED', nextToken})
    children.push(...(page.jobSummaryList ?? []))
    nextToken = page.nextToken
  } while (nextToken)

  return firstFailedChildCode(children)
}
