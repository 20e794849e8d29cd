import {mapLimit} from '../../../../src/batch/jobs/pool'

describe('mapLimit', () => {
  test('keeps input order and never exceeds the limit in flight', async () => {
    let inFlight = 0
    let peak = 0
    const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((resolve) => {
        setImmediate(resolve)
      })
      inFlight--
      return `${i}:${n}`
    })
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0'])
    expect(peak).toBe(2)
  })

  test('no items, no calls', async () => {
    const work = jest.fn()
    expect(await mapLimit([], 4, work)).toEqual([])
    expect(work).not.toHaveBeenCalled()
  })
})
