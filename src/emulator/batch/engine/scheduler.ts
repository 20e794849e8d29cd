/**
 * Where a RUNNABLE job can run. Its queue's compute environments are tried in order; the first ENABLED and VALID
 * one with enough free vCPUs, memory and GPUs takes it. A job larger than every environment of its queue (whatever
 * their state) can never run: AWS leaves it RUNNABLE with a MISCONFIGURATION reason, and so does the engine.
 */
import {Resources} from '../types'

export interface CeCapacity {
  name: string
  /** ENABLED and VALID: the scheduler places jobs there. */
  open: boolean
  total: Resources
  used: Resources
}

export type Placement = {ce: string; kind: 'place'} | {kind: 'never'} | {kind: 'wait'}

export const fitsIn = (need: Resources, room: Resources): boolean =>
  need.vcpus <= room.vcpus + 1e-9 && need.memoryMiB <= room.memoryMiB && need.gpus <= room.gpus

export const free = (ce: CeCapacity): Resources => ({
  gpus: ce.total.gpus - ce.used.gpus,
  memoryMiB: ce.total.memoryMiB - ce.used.memoryMiB,
  vcpus: ce.total.vcpus - ce.used.vcpus,
})

export function place(need: Resources, ces: readonly CeCapacity[]): Placement {
  if (ces.length > 0 && !ces.some((ce) => fitsIn(need, ce.total))) return {kind: 'never'}
  const ce = ces.find((c) => c.open && fitsIn(need, free(c)))
  return ce ? {ce: ce.name, kind: 'place'} : {kind: 'wait'}
}

export function reserve(ce: CeCapacity, need: Resources): void {
  ce.used.vcpus += need.vcpus
  ce.used.memoryMiB += need.memoryMiB
  ce.used.gpus += need.gpus
}
