/**
 * Fault injection for tests and benchmarks: what AWS does on a bad day. Throttling above a request rate, a share of
 * server errors (answered before any work), a share of answers lost after the work was done (the ambiguous failure
 * that makes SubmitJob dangerous to retry blindly), and added latency. Random draws come from a seeded generator so
 * a test can fix the sequence; time comes from `now` so a test can fix the clock.
 */

export interface FaultOptions {
  /** Milliseconds by which answers of these operations come late, the work being done at once (late.ts). */
  answerDelayMs?: Readonly<Record<string, number>>
  /** Share (0..1) of requests answered with a server error before any work. */
  fault5xx?: number
  /** Share (0..1) of requests that do their work, then lose the connection without an answer. */
  faultDrop?: number
  /** Milliseconds added before each request is handled. */
  latencyMs?: number
  /**
   * Operations answered as an endpoint that does not know them (HTTP 404 UnknownOperationException), as an older
   * region or another emulator answers an operation newer than it: clients' fallbacks are tested against it.
   */
  refuseOperations?: readonly string[]
  /** Seed of the random draws; the same seed gives the same faults for the same sequence of requests. */
  seed?: number
  /** Requests a second above which requests are throttled (a token bucket of this size, refilled at this rate). */
  throttleRps?: number
}

/** What to do with one request, decided when it arrives. */
export interface FaultDecision {
  /** Do the work, then destroy the socket. */
  drop: boolean
  latencyMs: number
  verdict: 'fault5xx' | 'ok' | 'throttle'
}

export interface FaultCounts {
  dropped: number
  fault5xx: number
  throttled: number
}

export class Faults {
  readonly counts: FaultCounts = {dropped: 0, fault5xx: 0, throttled: 0}
  private lastRefill: number | undefined
  private readonly random: () => number
  private tokens: number

  constructor(
    readonly options: FaultOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    for (const [name, rate] of [
      ['faultDrop', options.faultDrop],
      ['fault5xx', options.fault5xx],
    ] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be between 0 and 1`)
    }

    if (options.throttleRps !== undefined && !(options.throttleRps > 0)) {
      throw new RangeError('throttleRps must be greater than 0')
    }

    this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 32))
    this.tokens = options.throttleRps ?? 0
  }

  /** Decides the fate of the next request. Throttling is checked first: a throttled request does no work. */
  decide(): FaultDecision {
    const latencyMs = this.options.latencyMs ?? 0
    if (!this.takeToken()) {
      this.counts.throttled++
      return {drop: false, latencyMs, verdict: 'throttle'}
    }

    if (this.options.fault5xx && this.random() < this.options.fault5xx) {
      this.counts.fault5xx++
      return {drop: false, latencyMs, verdict: 'fault5xx'}
    }

    const drop = Boolean(this.options.faultDrop) && this.random() < (this.options.faultDrop ?? 0)
    if (drop) this.counts.dropped++
    return {drop, latencyMs, verdict: 'ok'}
  }

  /** Whether `operation` is to be answered as one the endpoint does not know (refuseOperations). */
  refuses(operation: string): boolean {
    return this.options.refuseOperations?.includes(operation) ?? false
  }

  reset(): void {
    this.counts.dropped = 0
    this.counts.fault5xx = 0
    this.counts.throttled = 0
  }

  /** A token bucket: bursts up to `throttleRps`, refilled continuously at `throttleRps` a second. */
  private takeToken(): boolean {
    const rate = this.options.throttleRps
    if (rate === undefined) return true
    const now = this.now()
    if (this.lastRefill !== undefined)
      this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000)
    this.lastRefill = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/** A small, fast, seedable generator of uniform numbers in [0, 1): mulberry32. */
/* eslint-disable no-bitwise -- a 32-bit integer generator is bit arithmetic by nature */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d_2b_79_f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
/* eslint-enable no-bitwise */
