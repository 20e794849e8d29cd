/** Term filter patterns, matched the way CloudWatch Logs matches unstructured events (case-sensitive). */
import {compileFilterPattern} from '../../../src/emulator/logs/filter-pattern'

const MESSAGES = [
  'ERROR out of memory in worker 3',
  'WARN disk almost full',
  'INFO Retrying after ERROR',
  'error: lower case',
  'INFO all good',
]

const matching = (pattern: string | undefined) => MESSAGES.filter(compileFilterPattern(pattern))

describe('compileFilterPattern', () => {
  test.each([
    [undefined, MESSAGES],
    ['', MESSAGES],
    ['   ', MESSAGES],
    ['ERROR', ['ERROR out of memory in worker 3', 'INFO Retrying after ERROR']],
    ['ERROR memory', ['ERROR out of memory in worker 3']],
    ['"out of memory"', ['ERROR out of memory in worker 3']],
    ['"memory out of"', []],
    ['?WARN ?memory', ['ERROR out of memory in worker 3', 'WARN disk almost full']],
    ['ERROR -Retrying', ['ERROR out of memory in worker 3']],
    ['INFO ?good ?Retrying', ['INFO Retrying after ERROR', 'INFO all good']],
    ['%worker [0-9]%', ['ERROR out of memory in worker 3']],
    ['-INFO -WARN', ['ERROR out of memory in worker 3', 'error: lower case']],
    ['error', ['error: lower case']],
  ])('%p', (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected)
  })

  test.each(['{ $.level = "ERROR" }', '[ip, user, status = 500]'])('%p is refused with a message', (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow(
      expect.objectContaining({
        code: 'InvalidParameterException',
        message:
          String.raw`The mfbatch emulator supports term filter patterns only ("ERROR", "\"a phrase\"", "?A ?B", "-C", ` +
          '"%regex%"), not JSON or space-delimited ones',
      }),
    )
  })

  test('an unterminated quote is refused', () => {
    expect(() => compileFilterPattern('"out of')).toThrow(
      expect.objectContaining({
        code: 'InvalidParameterException',
        message: 'unterminated quote in filter pattern: "out of',
      }),
    )
  })
})
