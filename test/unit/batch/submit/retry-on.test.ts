import {buildRetryOn} from '../../../../src/batch/submit/retry-on'
import {InputError} from '../../../../src/errors'

const flag = (value: string) => ({origin: {kind: 'flag' as const, label: '--retry-on'}, value})
const EXIT_REST = {action: 'EXIT', onReason: '*'}
const HOST = {action: 'RETRY', onStatusReason: 'Host EC2*'}
const OOM = {action: 'RETRY', onReason: 'OutOfMemoryError*'}
const PULL = {action: 'RETRY', onReason: 'CannotPullContainerError*'}
const START = {action: 'RETRY', onReason: 'CannotStartContainerError*'}
const exit = (code: string) => ({action: 'RETRY', onExitCode: code})

describe('--retry-on compiled to evaluateOnExit', () => {
  test.each([
    ['host', [HOST, EXIT_REST]],
    ['oom', [OOM, EXIT_REST]],
    ['start', [PULL, START, EXIT_REST]],
    ['exit:137', [exit('137'), EXIT_REST]],
    ['exit:137,143', [exit('137'), exit('143'), EXIT_REST]],
    ['host,exit:137,143,oom', [HOST, exit('137'), exit('143'), OOM, EXIT_REST]],
    ['OOM, Host', [OOM, HOST, EXIT_REST]],
    ['exit:1*', [exit('1*'), EXIT_REST]],
    ['host,oom,start', [HOST, OOM, PULL, START, EXIT_REST]],
    ['oom,oom,exit:3,3', [OOM, exit('3'), EXIT_REST]],
  ])('%s', (value, rules) => {
    expect(buildRetryOn(flag(value), 3)).toEqual(rules)
  })

  test('all, or no flag: every failure is retried (no rules)', () => {
    expect(buildRetryOn(flag('all'), 3)).toBeUndefined()
    expect(buildRetryOn(undefined, 3)).toBeUndefined()
  })

  test.each([
    [
      'spot',
      '--retry-on: "spot" is not allowed; use host, oom, start, exit:CODES (e.g. exit:137,143) or all, separated by commas',
    ],
    [
      'host,',
      '--retry-on: "host," is not allowed; use host, oom, start, exit:CODES (e.g. exit:137,143) or all, separated by commas',
    ],
    [
      'oom,137',
      '--retry-on: "oom,137" is not allowed; use host, oom, start, exit:CODES (e.g. exit:137,143) or all, separated by commas',
    ],
    ['exit:abc', '--retry-on: "exit:abc" is not allowed; exit: takes exit codes such as exit:137,143'],
    ['exit:', '--retry-on: "exit:" is not allowed; exit: takes exit codes such as exit:137,143'],
    ['all,oom', '--retry-on: "all,oom" is not allowed; `all` retries every failure; give it alone or leave it out'],
    [
      'host,oom,start,exit:1',
      '--retry-on: "host,oom,start,exit:1" needs 6 evaluateOnExit rules (one each for host and oom, two for start, one per exit code, one to end the rest); AWS Batch allows 5',
    ],
  ])('%s is refused', (value, message) => {
    expect(() => buildRetryOn(flag(value), 3)).toThrow(new InputError(message))
  })

  test('without a retry there is nothing to choose', () => {
    expect(() => buildRetryOn(flag('oom'), 1)).toThrow(
      new InputError('--retry-on: needs --retries N (1 to 9): with no retry there is nothing to choose'),
    )
  })
})
