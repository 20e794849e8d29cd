/** What every Batch operation handler works with. */
import type {Identity} from './arn'
import type {BatchStore} from './store'
import type {JobRecord} from './types'

export interface Capacity {
  /** GPUs of each compute environment; 0 unless configured, so GPU jobs never fit (as on a CE without GPU types). */
  gpus?: number
  memoryMiB: number
  vcpus: number
}

/** The engine's side of TerminateJob and CancelJob (it owns the running processes). */
export interface JobControl {
  cancel(job: JobRecord, reason: string): void
  terminate(job: JobRecord, reason: string): void
}

export interface BatchContext {
  capacity: Capacity
  control: JobControl
  id: Identity
  now: () => number
  store: BatchStore
}

/** The request bodies arrive validated against AWS's model, so members have their model types (or are absent). */
export type Input = Record<string, unknown>
