import {parseDuration, parseSince} from '../../../../src/batch/parse/time'
import {InputError} from '../../../../src/errors'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const now = Date.parse('2024-05-01T12:00:00Z')

test.each([
  ['90', 90 * S],
  ['1.5', 1500],
  ['90s', 90 * S],
  ['15m', 15 * M],
  ['2h', 2 * H],
  ['1h30m', H + 30 * M],
  ['1d', D],
  ['500ms', 500],
  ['2H', 2 * H],
])('parseDuration(%s)', (text, ms) => {
  expect(parseDuration(text, '--wait-timeout')).toBe(ms)
})

test.each(['', 'soon', '2x', 'h', '-5m', '1h 30m', 'NaN', '1e3', '99999999999999d', '9'.repeat(400)])(
  'parseDuration rejects %j naming the flag',
  (text) => {
    expect(() => parseDuration(text, '--wait-timeout')).toThrow(
      new InputError(
        `--wait-timeout: ${JSON.stringify(text)} is not allowed; use a duration such as 90s, 15m, 2h, 1h30m or 1d`,
      ),
    )
  },
)

describe('parseSince', () => {
  test('a duration counts back from now', () => {
    expect(parseSince('2h', now)).toBe(now - 2 * H)
  })

  test('an ISO date or date-time is taken as is', () => {
    expect(parseSince('2024-04-30', now)).toBe(Date.parse('2024-04-30T00:00:00Z'))
    expect(parseSince('2024-04-30T10:15:00Z', now)).toBe(Date.parse('2024-04-30T10:15:00Z'))
  })

  test.each(['yesterday', '2024-13-45'])('rejects %j', (text) => {
    expect(() => parseSince(text, now)).toThrow(
      new InputError(
        `--since: ${JSON.stringify(text)} is not allowed; use a duration such as 2h or an ISO date such as 2024-05-01T10:00Z`,
      ),
    )
  })
})
