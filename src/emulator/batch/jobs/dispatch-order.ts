/**
 * The order in which the engine offers RUNNABLE jobs capacity: higher-priority queues first, then first in, first
 * out (a FIFO queue, as Batch's queues without a scheduling policy are). The scheduler and GetJobQueueSnapshot both
 * read it, so the line a snapshot shows is the line jobs leave by.
 */
import type {BatchStore} from '../store'
import type {JobRecord} from '../types'

import {specOf} from './render'

export function dispatchOrder(store: BatchStore): (a: JobRecord, b: JobRecord) => number {
  const priority = (job: JobRecord): number => store.jobQueues.get(specOf(store, job).jobQueueName)?.priority ?? 0
  return (a, b) => priority(b) - priority(a) || a.seq - b.seq
}
