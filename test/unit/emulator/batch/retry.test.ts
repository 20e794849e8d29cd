import {conditionMatches, matchesPattern, shouldRetry} from '../../../../src/emulator/batch/engine/retry'

describe('retry decision (evaluateOnExit)', () => {
  test.each([
    ['137', '137', true],
    ['137', '1370', false],
    ['13*', '137', true],
    ['13*', '13', true],
    ['13*', '2', false],
    ['*', undefined, true],
    ['*', '', true],
    ['0', undefined, false],
    ['Host EC2*', 'Host EC2 (instance i-0abc) terminated.', true],
    ['host ec2*', 'Host EC2 (instance i-0abc) terminated.', false],
    ['Essential container in task exited', 'Essential container in task exited', true],
  ])('pattern %j against %j → %j', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected)
  })

  test('every pattern of one condition must match', () => {
    const outcome = {
      exitCode: 1,
      reason: 'OutOfMemoryError: Container killed',
      statusReason: 'Essential container in task exited',
    }
    expect(conditionMatches({action: 'RETRY', onExitCode: '1', onReason: 'OutOfMemory*'}, outcome)).toBe(true)
    expect(conditionMatches({action: 'RETRY', onExitCode: '2', onReason: 'OutOfMemory*'}, outcome)).toBe(false)
    expect(conditionMatches({action: 'RETRY'}, outcome)).toBe(true)
  })

  test.each([
    ['no strategy: one attempt', undefined, 1, {exitCode: 1}, false],
    ['attempts left, no conditions: retry', {attempts: 3}, 1, {exitCode: 1}, true],
    ['attempts used up', {attempts: 3}, 3, {exitCode: 1}, false],
    [
      'first matching condition decides: EXIT',
      {
        attempts: 3,
        evaluateOnExit: [
          {action: 'EXIT', onExitCode: '7'},
          {action: 'RETRY', onExitCode: '*'},
        ],
      },
      1,
      {exitCode: 7},
      false,
    ],
    [
      'first matching condition decides: RETRY',
      {
        attempts: 3,
        evaluateOnExit: [
          {action: 'EXIT', onExitCode: '7'},
          {action: 'RETRY', onExitCode: '*'},
        ],
      },
      1,
      {exitCode: 8},
      true,
    ],
    [
      'no condition matches: retry',
      {attempts: 2, evaluateOnExit: [{action: 'EXIT', onExitCode: '7'}]},
      1,
      {exitCode: 8},
      true,
    ],
    ['action in any case', {attempts: 2, evaluateOnExit: [{action: 'exit', onExitCode: '*'}]}, 1, {exitCode: 8}, false],
    [
      'host lost: matched on the status reason, no exit code',
      {
        attempts: 2,
        evaluateOnExit: [
          {action: 'RETRY', onStatusReason: 'Host EC2*'},
          {action: 'EXIT', onReason: '*'},
        ],
      },
      1,
      {statusReason: 'Host EC2 (instance i-0abc) terminated.'},
      true,
    ],
  ])('%s', (...row) => {
    const [, strategy, made, outcome, expected] = row
    expect(shouldRetry(strategy, made, outcome)).toBe(expected)
  })
})
