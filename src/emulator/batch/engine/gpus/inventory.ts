/**
 * The GPUs the emulator hands out: this machine's, by UUID from `nvidia-smi -L`, or N made-up ones
 * (`mfbatch emulator --gpus N`) so a machine without GPUs can test GPU scheduling.
 */
import {execFileSync} from 'node:child_process'

/** The UUIDs in `nvidia-smi -L` output: `GPU 0: NVIDIA A10G (UUID: GPU-3f2a...)`, one line per device. */
export function parseNvidiaSmiList(text: string): string[] {
  const ids: string[] = []
  for (const line of text.split('\n')) {
    // MIG devices (`  MIG 1g.5gb Device 0: (UUID: MIG-...)`) are parts of a GPU, not GPUs of their own.
    const match = /^GPU \d+:.*\(UUID: (GPU-[^)\s]+)\)/.exec(line.trim())
    if (match) ids.push(match[1])
  }

  return ids
}

export const fakeGpuIds = (count: number): string[] => Array.from({length: count}, (_, i) => `GPU-fake-${i}`)

/** A made-up device (`--gpus N`): no container runtime can map it. */
export const isFakeGpuId = (id: string): boolean => id.startsWith('GPU-fake-')

export interface GpuInventory {
  ids: string[]
  /** Where the ids came from. */
  source: 'fake' | 'none' | 'nvidia-smi'
}

/** `--gpus N` wins; else `nvidia-smi -L`; else no GPUs (and GPU jobs stay RUNNABLE, as on a CE without them). */
export function gpuInventory(fakeCount?: number): GpuInventory {
  if (fakeCount !== undefined) return {ids: fakeGpuIds(fakeCount), source: 'fake'}
  try {
    const out = execFileSync('nvidia-smi', ['-L'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
    const ids = parseNvidiaSmiList(out)
    return ids.length > 0 ? {ids, source: 'nvidia-smi'} : {ids: [], source: 'none'}
  } catch {
    return {ids: [], source: 'none'}
  }
}
