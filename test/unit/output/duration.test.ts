import {formatAgo, formatDuration} from '../../../src/output/duration'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

test.each([
  [-5, '0ms'],
  [850, '850ms'],
  [12 * S, '12s'],
  [3 * M + 4 * S, '3m04s'],
  [H + 2 * M + 59 * S, '1h02m'],
  [2 * D + 3 * H, '2d03h'],
])('formatDuration(%d) = %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text)
})

const now = Date.parse('2024-05-01T12:00:00Z')
test.each([
  [now + 5 * S, 'just now'],
  [now - 500, 'just now'],
  [now - 45 * S, '45s ago'],
  [now - 3 * M - 59 * S, '3m ago'],
  [now - 2 * H, '2h ago'],
  [now - 3 * D - H, '3d ago'],
])('formatAgo(%d)', (then, text) => {
  expect(formatAgo(then, now)).toBe(text)
})
