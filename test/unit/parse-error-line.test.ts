import {parseErrorLine} from '../../src/base-command'

const FLAGS = {
  'fault-5xx': {},
  limit: {min: 1},
  port: {env: 'MFBATCH_EMULATOR_PORT', max: 65_535, min: 0},
  seed: {},
}

describe("oclif's flag errors in mfbatch's form", () => {
  test.each([
    [
      'Parsing --limit Expected an integer but received: NaN',
      ['--limit', 'NaN'],
      '--limit: "NaN" is not allowed; use a whole number of 1 or more',
    ],
    [
      'Parsing --port Expected an integer less than or equal to 65535 but received: 70000',
      ['--port', '70000'],
      '--port: "70000" is not allowed; use a whole number from 0 to 65535',
    ],
    [
      'Parsing --seed Expected an integer but received: 1.5',
      ['--seed=1.5'],
      '--seed: "1.5" is not allowed; use a whole number',
    ],
    [
      'Parsing --fault-5xx --fault-5xx: "NaN" is not allowed; use a number from 0 to 1',
      ['--fault-5xx', 'NaN'],
      '--fault-5xx: "NaN" is not allowed; use a number from 0 to 1',
    ],
    ['Nonexistent flag: --prot', ['--prot'], '--prot: not a flag here; did you mean --port?'],
    ['Nonexistent flag: --prot=4', ['--prot=4'], '--prot: not a flag here; did you mean --port?'],
    ['Nonexistent flag: --zzzzzz', ['--zzzzzz'], '--zzzzzz: not a flag here; --help lists the flags'],
    [
      'Nonexistent flags: --prot, --zzzzzz',
      ['--prot', '--zzzzzz'],
      '--prot: not a flag here; did you mean --port?; --zzzzzz: not a flag here; --help lists the flags',
    ],
  ])('%s', (message, argv, line) => {
    expect(parseErrorLine(message, FLAGS, argv, {})).toBe(line)
  })

  test('a value from the environment names the variable, unless the flag was typed', () => {
    const message = 'Parsing --port Expected an integer but received: abc'
    const env = {MFBATCH_EMULATOR_PORT: 'abc'}
    expect(parseErrorLine(message, FLAGS, [], env)).toBe(
      'MFBATCH_EMULATOR_PORT: "abc" is not allowed; use a whole number from 0 to 65535',
    )
    expect(parseErrorLine(message, FLAGS, ['--port', 'abc'], env)).toBe(
      '--port: "abc" is not allowed; use a whole number from 0 to 65535',
    )
  })
})
