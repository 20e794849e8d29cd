/** Fault injection with a fixed seed and a fixed clock: the same requests meet the same faults every run. */
import {Faults, mulberry32} from '../../../src/emulator/faults'

function clock(start = 1_000_000) {
  let now = start
  return {
    advance(ms: number) {
      now += ms
    },
    now: () => now,
  }
}

/** Twenty decisions with seed 42: 5 = server error, D = dropped, . = answered. */
function run(): string {
  const faults = new Faults({fault5xx: 0.3, faultDrop: 0.2, seed: 42})
  return Array.from({length: 20}, () => {
    const d = faults.decide()
    return d.verdict === 'fault5xx' ? '5' : d.drop ? 'D' : '.'
  }).join('')
}

describe('Faults', () => {
  test('no options: every request goes through untouched', () => {
    const faults = new Faults()
    const verdicts = Array.from({length: 50}, () => faults.decide())
    expect(verdicts.every((d) => d.verdict === 'ok' && !d.drop && d.latencyMs === 0)).toBe(true)
    expect(faults.counts).toEqual({dropped: 0, fault5xx: 0, throttled: 0})
  })

  test('throttling: a burst of N passes, the rest of that second is throttled, and tokens refill with time', () => {
    const time = clock()
    const faults = new Faults({throttleRps: 5}, time.now)
    const burst = Array.from({length: 8}, () => faults.decide().verdict)
    expect(burst).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'throttle', 'throttle', 'throttle'])
    time.advance(200) // one token back (5 a second)
    expect([faults.decide().verdict, faults.decide().verdict]).toEqual(['ok', 'throttle'])
    time.advance(10_000) // refills to the bucket's size, no more
    const after = Array.from({length: 6}, () => faults.decide().verdict)
    expect(after).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'throttle'])
    expect(faults.counts).toEqual({dropped: 0, fault5xx: 0, throttled: 5})
  })

  test('the same seed gives the same sequence of 5xx faults and drops', () => {
    expect(run()).toBe(run())
    expect(run()).toBe('..5....D.D.5D555.55.')
  })

  test('rates are honoured over many requests', () => {
    const faults = new Faults({fault5xx: 0.25, seed: 7})
    for (let i = 0; i < 10_000; i++) faults.decide()
    expect(faults.counts.fault5xx).toBeGreaterThan(2300)
    expect(faults.counts.fault5xx).toBeLessThan(2700)
  })

  test('rate 1 faults every request; a dropped request is not also a 5xx', () => {
    expect(new Faults({fault5xx: 1}).decide().verdict).toBe('fault5xx')
    expect(new Faults({faultDrop: 1}).decide()).toEqual({drop: true, latencyMs: 0, verdict: 'ok'})
  })

  test('latency is part of every decision', () => {
    expect(new Faults({latencyMs: 25}).decide()).toEqual({drop: false, latencyMs: 25, verdict: 'ok'})
  })

  test('reset clears the counts', () => {
    const faults = new Faults({fault5xx: 1})
    faults.decide()
    faults.reset()
    expect(faults.counts).toEqual({dropped: 0, fault5xx: 0, throttled: 0})
  })

  test.each([
    [{fault5xx: 1.5}, 'fault5xx must be between 0 and 1'],
    [{faultDrop: -0.1}, 'faultDrop must be between 0 and 1'],
    [{throttleRps: 0}, 'throttleRps must be greater than 0'],
  ])('%p is refused', (options, message) => {
    expect(() => new Faults(options)).toThrow(message)
  })

  test('mulberry32 is deterministic and uniform in [0, 1)', () => {
    const a = mulberry32(1)
    const b = mulberry32(1)
    const values = Array.from({length: 1000}, () => a())
    expect(values).toEqual(Array.from({length: 1000}, () => b()))
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
  })
})
