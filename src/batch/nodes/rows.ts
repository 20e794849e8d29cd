/**
 * The nodes behind the per-node rows of `status`: for every multi-node parent among the jobs, DescribeJobs of
 * `JOB#0` to `JOB#N-1` (100 ids a call, all parents together), so one more round trip shows them all.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

import {describeJobs} from '../jobs/query'
import {nodeIds} from './ids'
import {nodeCountOf} from './of-job'

/** Parent job id → its nodes as DescribeJobs has them, node 0 first; jobs without nodes are not in the map. */
export type NodesByParent = ReadonlyMap<string, JobDetail[]>

export async function describeNodes(batch: BatchApi, jobs: readonly JobDetail[]): Promise<NodesByParent> {
  const parents = jobs.flatMap((job) => {
    const count = nodeCountOf(job)
    return count === undefined || !job.jobId ? [] : [{count, id: job.jobId}]
  })
  if (parents.length === 0) return new Map()
  const {jobs: found} = await describeJobs(
    batch,
    parents.flatMap(({count, id}) => nodeIds(id, count)),
  )
  const byId = new Map(found.map((job) => [job.jobId?.toLowerCase(), job]))
  return new Map(
    parents.map(({count, id}) => [id, nodeIds(id, count).flatMap((nodeId) => byId.get(nodeId.toLowerCase()) ?? [])]),
  )
}
