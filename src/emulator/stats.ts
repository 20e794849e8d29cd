/**
 * Calls per operation, as `GET /__emulator/stats` reports them ("batch:SubmitJob": 3), and the access key ids the
 * requests claimed, accepted or not. Tests and benchmarks read the calls to count how many API calls a command made
 * (the SDK's own retries included), and the key ids to prove whose credentials signed: `--local` must never sign
 * with the user's own.
 */
export class Stats {
  private calls = new Map<string, number>()
  private keyIds = new Map<string, number>()

  count(service: string, operation: string): void {
    const key = `${service}:${operation}`
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1)
  }

  /** Counts a key id a request claimed. Bounded: past MAX_KEY_IDS distinct ids, new ones are counted as one. */
  keyId(id: string): void {
    const shown = id.slice(0, MAX_KEY_ID_LENGTH)
    const key = this.keyIds.has(shown) || this.keyIds.size < MAX_KEY_IDS ? shown : OTHERS
    this.keyIds.set(key, (this.keyIds.get(key) ?? 0) + 1)
  }

  /** Requests per claimed access key id, sorted. */
  keyIdSnapshot(): Record<string, number> {
    return sorted(this.keyIds)
  }

  reset(): void {
    this.calls.clear()
    this.keyIds.clear()
  }

  /** Sorted by key, so two snapshots compare and print stably. */
  snapshot(): Record<string, number> {
    return sorted(this.calls)
  }
}

/** Enough for the emulator's own key, every job's session keys and a few strangers; a flood of made-up ids is one. */
const MAX_KEY_IDS = 1000
const MAX_KEY_ID_LENGTH = 128
const OTHERS = '(others)'

function sorted(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
