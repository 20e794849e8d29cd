/** DescribeJobs and ListJobs. */
import {ApiError} from '../../contract'
import {nameFrom, parseBatchArn} from '../arn'
import {BatchContext, Input} from '../context'
import {findQueue} from '../control/queues'
import {queueNotFound} from '../reasons'
import {JobRecord} from '../types'
import {ListQuery, selectJobs} from './list'
import {jobDetail, jobSummary, specOf} from './render'

/** A job by id or job ARN (array children are `<id>:<index>`). */
export function findJob(ctx: BatchContext, idOrArn: string): JobRecord | undefined {
  return ctx.store.jobs.get(parseBatchArn(idOrArn) ? nameFrom(idOrArn, 'job') : idOrArn)
}

/** Up to 100 jobs; ids that match no job are left out, as AWS does. */
export function describeJobs(ctx: BatchContext, input: Input): unknown {
  const ids = input.jobs as string[]
  if (ids.length > 100) throw new ApiError('ClientException', 'DescribeJobs takes up to 100 job IDs.')
  const jobs = ids.map((id) => findJob(ctx, id)).filter((job): job is JobRecord => job !== undefined)
  return {jobs: jobs.map((job) => jobDetail(ctx.store, job))}
}

export function listJobs(ctx: BatchContext, input: Input): unknown {
  const query = input as ListQuery
  let candidates: readonly JobRecord[]
  let filtersApply = true
  if (input.arrayJobId !== undefined) {
    const parent = findJob(ctx, input.arrayJobId as string)
    candidates = (parent && ctx.store.children.get(parent.jobId)) ?? []
    filtersApply = false
  } else if (input.multiNodeJobId !== undefined) {
    // A multi-node job's nodes, listed like an array's children (by status, no filters).
    const parent = findJob(ctx, input.multiNodeJobId as string)
    candidates = (parent?.numNodes !== undefined && ctx.store.children.get(parent.jobId)) || []
    filtersApply = false
  } else if (input.jobQueue === undefined) {
    throw new ApiError('ClientException', 'One of jobQueue, arrayJobId or multiNodeJobId must be given.')
  } else {
    const queue = findQueue(ctx, input.jobQueue as string)
    if (!queue) throw new ApiError('ClientException', queueNotFound(input.jobQueue as string))
    candidates = ctx.store.jobsByQueue.get(queue.jobQueueName) ?? []
  }

  const page = selectJobs(candidates, filtersApply ? query : {...query, filters: undefined}, (job) =>
    specOf(ctx.store, job),
  )
  return {jobSummaryList: page.jobs.map((job) => jobSummary(ctx.store, job)), nextToken: page.nextToken}
}
