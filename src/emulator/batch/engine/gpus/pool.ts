/**
 * Which GPU each running job holds. Every compute environment offers all the machine's GPUs (they share one
 * machine), so a job's devices are exclusive across all of them while it is placed, as the ECS agent pins devices
 * to one container at a time.
 */
export class GpuPool {
  private readonly held = new Map<string, string[]>()

  constructor(private readonly ids: readonly string[]) {}

  get free(): number {
    return this.ids.length - [...this.held.values()].reduce((n, ids) => n + ids.length, 0)
  }

  /** The devices of a job, if it holds any. */
  of(jobId: string): readonly string[] {
    return this.held.get(jobId) ?? []
  }

  release(jobId: string): void {
    this.held.delete(jobId)
  }

  /** Gives a job `count` free devices, lowest first; undefined (and nothing taken) when too few are free. */
  take(jobId: string, count: number): string[] | undefined {
    if (count === 0) return []
    const busy = new Set([...this.held.values()].flat())
    const ids = this.ids.filter((id) => !busy.has(id)).slice(0, count)
    if (ids.length < count) return undefined
    this.held.set(jobId, ids)
    return ids
  }
}
