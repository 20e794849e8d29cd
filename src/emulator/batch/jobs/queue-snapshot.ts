/**
 * GetJobQueueSnapshot: the first 100 RUNNABLE jobs of a queue "in order of dispatch", from the engine's own order
 * (dispatch-order.ts), and the capacity its RUNNING and STARTING jobs use. earliestTimeAtPosition is left out: the
 * engine does not keep when a job reached its place in the line.
 */
import {ApiError} from '../../contract'
import {BatchContext, Input} from '../context'
import {findQueue} from '../control/queues'
import {queueNotFound} from '../reasons'
import {dispatchOrder} from './dispatch-order'
import {specOf} from './render'

/** "The first 100 RUNNABLE jobs in the job queue" (GetJobQueueSnapshot). */
export const SNAPSHOT_FRONT = 100

export function getJobQueueSnapshot(ctx: BatchContext, input: Input): unknown {
  const queue = findQueue(ctx, input.jobQueue as string)
  if (!queue) throw new ApiError('ClientException', queueNotFound(input.jobQueue as string))
  const {store} = ctx
  const inQueue = (status: 'RUNNABLE' | 'RUNNING' | 'STARTING') =>
    [...store.active.get(status)!].filter((job) => specOf(store, job).jobQueueName === queue.jobQueueName)
  const front = inQueue('RUNNABLE').sort(dispatchOrder(store)).slice(0, SNAPSHOT_FRONT)
  const placed = [...inQueue('STARTING'), ...inQueue('RUNNING')]
  const vcpus = placed.reduce((sum, job) => sum + specOf(store, job).resources.vcpus, 0)
  const now = ctx.now()
  return {
    frontOfQueue: {jobs: front.map((job) => ({jobArn: job.jobArn})), lastUpdatedAt: now},
    queueUtilization: {lastUpdatedAt: now, totalCapacityUsage: [{capacityUnit: 'VCPU', quantity: vcpus}]},
  }
}
