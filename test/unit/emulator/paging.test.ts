import type {EventIndex} from '../../../src/emulator/logs/stream-file'

/**
 * GetLogEvents paging over an index of timestamps: the newest page first, forward and backward tokens, the same
 * token returned at the end, time windows, and the 1 MB cap.
 */
import {formatToken, parseToken, selectPage} from '../../../src/emulator/logs/paging'

/** Events at the given timestamps, each `size` bytes on disk. */
function index(timestamps: number[], size = 10): EventIndex & {timestamps: number[]} {
  return {
    get count() {
      return this.timestamps.length
    },
    size: () => size,
    get sorted() {
      return this.timestamps.every((t, i) => i === 0 || t >= this.timestamps[i - 1])
    },
    timestamp(position: number) {
      return this.timestamps[position]
    },
    timestamps,
  }
}

const f = (n: number) => formatToken('f', n)
const b = (n: number) => formatToken('b', n)
const ten = () => index([100, 101, 102, 103, 104, 105, 106, 107, 108, 109])

describe('selectPage', () => {
  test('tokens look like AWS tokens: a direction and 56 digits', () => {
    expect(f(7)).toBe(`f/${'0'.repeat(55)}7`)
    expect(parseToken(b(42))).toEqual({direction: 'b', position: 42})
  })

  test('without a token and without startFromHead: the newest page', () => {
    expect(selectPage(ten(), {limit: 3})).toEqual({
      nextBackwardToken: b(7),
      nextForwardToken: f(10),
      positions: [7, 8, 9],
    })
  })

  test('startFromHead: the oldest page', () => {
    expect(selectPage(ten(), {limit: 3, startFromHead: true})).toEqual({
      nextBackwardToken: b(0),
      nextForwardToken: f(3),
      positions: [0, 1, 2],
    })
  })

  test('forward pages to the end, then the same token comes back', () => {
    const stream = ten()
    const pages: number[][] = []
    let token: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = selectPage(stream, {limit: 4, nextToken: token, startFromHead: token === undefined})
      pages.push(page.positions)
      if (page.nextForwardToken === token) break
      token = page.nextForwardToken
    }

    expect(pages).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], []])
    expect(token).toBe(f(10))
  })

  test('a forward token at the end returns new events once the stream grows', () => {
    const stream = ten()
    const end = selectPage(stream, {nextToken: f(10)})
    expect(end).toEqual({nextBackwardToken: b(10), nextForwardToken: f(10), positions: []})
    stream.timestamps.push(110, 111)
    expect(selectPage(stream, {nextToken: end.nextForwardToken})).toEqual({
      nextBackwardToken: b(10),
      nextForwardToken: f(12),
      positions: [10, 11],
    })
  })

  test('backward pages to the start, then the same backward token comes back', () => {
    const stream = ten()
    const first = selectPage(stream, {limit: 4})
    expect(first.positions).toEqual([6, 7, 8, 9])
    const second = selectPage(stream, {limit: 4, nextToken: first.nextBackwardToken})
    expect(second).toEqual({nextBackwardToken: b(2), nextForwardToken: f(6), positions: [2, 3, 4, 5]})
    const third = selectPage(stream, {limit: 4, nextToken: second.nextBackwardToken})
    expect(third).toEqual({nextBackwardToken: b(0), nextForwardToken: f(2), positions: [0, 1]})
    expect(selectPage(stream, {limit: 4, nextToken: third.nextBackwardToken})).toEqual({
      nextBackwardToken: b(0),
      nextForwardToken: f(0),
      positions: [],
    })
  })

  test('startTime is inclusive and endTime exclusive', () => {
    expect(selectPage(ten(), {endTime: 106, startFromHead: true, startTime: 103}).positions).toEqual([3, 4, 5])
    expect(selectPage(ten(), {endTime: 106, startTime: 103}).positions).toEqual([3, 4, 5])
  })

  test('a time window with forward tokens ends with the same token', () => {
    const stream = ten()
    const page = selectPage(stream, {endTime: 106, limit: 2, startFromHead: true, startTime: 103})
    expect(page).toEqual({nextBackwardToken: b(3), nextForwardToken: f(5), positions: [3, 4]})
    const next = selectPage(stream, {endTime: 106, limit: 2, nextToken: page.nextForwardToken, startTime: 103})
    expect(next.positions).toEqual([5])
    const last = selectPage(stream, {endTime: 106, limit: 2, nextToken: next.nextForwardToken, startTime: 103})
    expect(last).toEqual({nextBackwardToken: b(6), nextForwardToken: next.nextForwardToken, positions: []})
  })

  test('events out of time order are still filtered by time, one by one', () => {
    const stream = index([100, 300, 200, 400, 150])
    expect(stream.sorted).toBe(false)
    expect(selectPage(stream, {endTime: 301, startFromHead: true, startTime: 150}).positions).toEqual([1, 2, 4])
  })

  test('a page stops before 1 MB', () => {
    const stream = index(
      Array.from({length: 300}, (_, i) => i),
      10_000,
    )
    const page = selectPage(stream, {startFromHead: true})
    expect(page.positions).toHaveLength(104)
    expect(page.nextForwardToken).toBe(f(104))
  })

  test('one event larger than the byte cap still makes a page of one', () => {
    expect(selectPage(index([1, 2], 2_000_000), {startFromHead: true}).positions).toEqual([0])
  })

  test('the default limit is 10,000 events', () => {
    const stream = index(
      Array.from({length: 12_000}, (_, i) => i),
      1,
    )
    expect(selectPage(stream, {}).positions).toHaveLength(10_000)
    expect(selectPage(stream, {}).nextBackwardToken).toBe(b(2000))
  })

  test('a token past the end of the stream reads from the end', () => {
    expect(selectPage(ten(), {nextToken: f(99)})).toEqual({
      nextBackwardToken: b(10),
      nextForwardToken: f(10),
      positions: [],
    })
  })

  test.each(['x', 'f/', 'f/abc', 'c/1', `f/${'1'.repeat(57)}`])(
    'an invalid token %p is InvalidParameterException',
    (token) => {
      expect(() => selectPage(ten(), {nextToken: token})).toThrow(
        expect.objectContaining({code: 'InvalidParameterException', message: 'The specified nextToken is invalid.'}),
      )
    },
  )
})
