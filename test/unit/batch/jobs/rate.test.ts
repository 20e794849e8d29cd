import {TokenBucket} from '../../../../src/batch/jobs/rate'

/** Virtual time: sleeping moves the clock forward at once. */
function fakeClock(): {now(): number; sleep(ms: number): Promise<void>; sleeps: number[]} {
  let time = 0
  const sleeps: number[] = []
  return {
    now: () => time,
    async sleep(ms) {
      sleeps.push(ms)
      time += ms
    },
    sleeps,
  }
}

describe('TokenBucket', () => {
  test('a burst goes at once, the rest at the rate', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({clock, rate: 10})
    const times: number[] = []
    await Promise.all(Array.from({length: 30}, () => bucket.take().then(() => times.push(clock.now()))))
    expect(times.slice(0, 10)).toEqual(Array.from({length: 10}, () => 0))
    // 20 more calls at 10 a second: the last one two seconds in.
    expect(times.at(-1)).toBe(2000)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  test('throttling halves the rate down to the floor; successes bring it back, never above the start', () => {
    const bucket = new TokenBucket({clock: fakeClock(), minRate: 2, rate: 10})
    bucket.throttled()
    expect(bucket.rate).toBe(5)
    bucket.throttled()
    bucket.throttled()
    expect(bucket.rate).toBe(2)
    for (let i = 0; i < 200; i++) bucket.succeeded()
    expect(bucket.rate).toBe(10)
  })

  test('after a throttle the saved-up burst is gone and calls wait at the lower rate', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({clock, rate: 4})
    bucket.throttled()
    await bucket.take()
    await bucket.take()
    expect(clock.now()).toBe(1000)
  })
})
