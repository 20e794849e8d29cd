import type {Clock} from '../pacing'

/**
 * A token bucket that paces a burst of calls (TerminateJob for hundreds of jobs) to a rate AWS accepts, and adapts:
 * halved on throttling, then grown back a little with each success (additive increase, multiplicative decrease),
 * never above the rate it started with. Time comes from the injected clock, so tests run without real sleeps.
 */
export interface RateOptions {
  /** Calls allowed at once before pacing starts; defaults to the rate (one second's worth). */
  burst?: number
  clock: Clock
  /** The floor when slowing down, calls per second. */
  minRate?: number
  /** Calls per second. */
  rate: number
}

export class TokenBucket {
  private last: number
  private readonly maxRate: number
  private readonly minRate: number
  private queue: Promise<void> = Promise.resolve()
  private rateNow: number
  private tokens: number

  constructor(private readonly options: RateOptions) {
    this.maxRate = options.rate
    this.rateNow = options.rate
    this.minRate = Math.min(options.minRate ?? 1, options.rate)
    this.tokens = options.burst ?? Math.max(1, Math.floor(options.rate))
    this.last = options.clock.now()
  }

  get rate(): number {
    return this.rateNow
  }

  /** The call went through: creep back toward the starting rate. */
  succeeded(): void {
    this.rateNow = Math.min(this.maxRate, this.rateNow + 0.1)
  }

  /** Resolves when the caller may make one call. Callers are served in the order they asked. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken())
    this.queue = turn
    return turn
  }

  /** AWS throttled a call: halve the rate and drop any saved-up burst. */
  throttled(): void {
    this.rateNow = Math.max(this.minRate, this.rateNow / 2)
    this.tokens = Math.min(this.tokens, 0)
  }

  private refill(): void {
    const now = this.options.clock.now()
    const burst = this.options.burst ?? Math.max(1, Math.floor(this.maxRate))
    this.tokens = Math.min(burst, this.tokens + ((now - this.last) * this.rateNow) / 1000)
    this.last = now
  }

  private async waitForToken(): Promise<void> {
    this.refill()
    while (this.tokens < 1) {
      // eslint-disable-next-line no-await-in-loop -- waiting for the bucket to refill is the point
      await this.options.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rateNow))
      this.refill()
    }

    this.tokens -= 1
  }
}
