/**
 * The vCPU/memory pairs Fargate accepts, from the AWS Batch API reference (`ResourceRequirement.value`, botocore
 * batch 2016-08-10 model). Any other combination is rejected by AWS at submit time, so we reject it first.
 */
function steps(from: number, to: number, step: number): number[] {
  const out: number[] = []
  for (let m = from; m <= to; m += step) out.push(m)
  return out
}

const PAIRS: ReadonlyArray<[vcpu: number, memories: number[]]> = [
  [0.25, [512, 1024, 2048]],
  [0.5, steps(1024, 4096, 1024)],
  [1, steps(2048, 8192, 1024)],
  [2, steps(4096, 16_384, 1024)],
  [4, steps(8192, 30_720, 1024)],
  [8, steps(16_384, 61_440, 4096)],
  [16, steps(32_768, 122_880, 8192)],
]

export const FARGATE_VCPUS: readonly number[] = PAIRS.map(([vcpu]) => vcpu)

/** The memory sizes (MiB) Fargate accepts with this many vCPUs, or [] when the vCPU count itself is not offered. */
export function fargateMemoriesFor(vcpu: number): number[] {
  return [...(PAIRS.find(([v]) => v === vcpu)?.[1] ?? [])]
}

export function isFargatePair(vcpu: number, memory: number): boolean {
  return fargateMemoriesFor(vcpu).includes(memory)
}

/** "2048, 3072 or 4096": for error messages. */
export function describeChoices(values: ReadonlyArray<number | string>): string {
  const texts = values.map(String)
  return texts.length <= 1 ? texts.join('') : `${texts.slice(0, -1).join(', ')} or ${texts.at(-1)}`
}

/** "2048 to 8192 in steps of 1024" for a regular row, else the list: keeps error messages one readable line. */
export function describeFargateMemories(vcpu: number): string {
  const memories = fargateMemoriesFor(vcpu)
  const step = memories.length > 3 ? memories[1] - memories[0] : 0
  const regular = step > 0 && memories.every((m, i) => m === memories[0] + i * step)
  return regular ? `${memories[0]} to ${memories.at(-1)} in steps of ${step}` : describeChoices(memories)
}
