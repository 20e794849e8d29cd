/**
 * Calls per operation, as `GET /__emulator/stats` reports them ("batch:SubmitJob": 3). Tests and benchmarks read
 * them to count how many API calls a command made, including the retries the SDK made on its own.
 */
export class Stats {
  private calls = new Map<string, number>()

  count(service: string, operation: string): void {
    const key = `${service}:${operation}`
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1)
  }

  reset(): void {
    this.calls.clear()
  }

  /** Sorted by key, so two snapshots compare and print stably. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}
