import type {Sourced} from '../../../../src/config/types'

import {size, smallMemoryWarning} from '../../../../src/batch/parse/memory-size'

const flag = (value: unknown, label = '--memory'): Sourced => ({origin: {kind: 'flag', label}, value})

describe('sizes in MiB', () => {
  test.each([
    ['4096', 4096, true],
    [' 512 ', 512, true],
    ['4GiB', 4096, false],
    ['4gib', 4096, false],
    ['4G', 4096, false],
    ['4g', 4096, false],
    // As Docker reads it: binary, so the MiB count is whole.
    ['4GB', 4096, false],
    ['4gb', 4096, false],
    ['512MiB', 512, false],
    ['512M', 512, false],
    ['512m', 512, false],
    ['512MB', 512, false],
    ['1.5G', 1536, false],
    ['.5GiB', 512, false],
    ['2048KiB', 2, false],
    ['1T', 1_048_576, false],
    ['4 GiB', 4096, false],
  ])('%j is %d MiB', (raw, mib, plain) => {
    expect(size(flag(raw), 'MiB', {min: 1})).toEqual({plain, value: mib})
  })

  test('a JSON number from a config file is a plain number of MiB', () => {
    expect(size(flag(2048, '.mfbatchrc (key memory)'), 'MiB', {min: 1})).toEqual({plain: true, value: 2048})
  })

  test.each(['0', '0G', '4X', '4GiBs', 'G', '-1G', '1e3', '0.1G', '1.5', '1000K', '99999999999999999999G', 'four'])(
    '%j is refused, naming the flag, the value and what is allowed',
    (raw) => {
      expect(() => size(flag(raw), 'MiB', {min: 1})).toThrow(
        `--memory: ${JSON.stringify(raw)} is not allowed; use a whole number of MiB greater than 0 or a size such as ` +
          '4GiB or 512MiB',
      )
    },
  )

  test('0 is allowed where the range starts at 0, and the note follows', () => {
    const swap = flag('0', '--max-swap')
    expect(size(swap, 'MiB', {min: 0}, '; 0 turns swap off')).toEqual({plain: true, value: 0})
    expect(() => size(flag('-1', '--max-swap'), 'MiB', {min: 0}, '; 0 turns swap off')).toThrow(
      '--max-swap: "-1" is not allowed; use a whole number of MiB (0 or more) or a size such as 4GiB or 512MiB; ' +
        '0 turns swap off',
    )
  })

  test('unset is undefined', () => {
    expect(size(undefined, 'MiB', {min: 1})).toBeUndefined()
    expect(size(flag(''), 'MiB', {min: 1})).toBeUndefined()
  })
})

describe('sizes in GiB (ephemeral storage)', () => {
  const range = {max: 200, min: 21}
  test.each([
    ['30', 30],
    ['30GiB', 30],
    ['30g', 30],
    ['30720MiB', 30],
    ['0.125T', 128],
  ])('%j is %d GiB', (raw, gib) => {
    expect(size(flag(raw, '--ephemeral-storage'), 'GiB', range)?.value).toBe(gib)
  })

  test.each(['20', '20GiB', '201G', '30000M', '1T'])('%j is refused', (raw) => {
    expect(() => size(flag(raw, '--ephemeral-storage'), 'GiB', range)).toThrow(
      `--ephemeral-storage: ${JSON.stringify(raw)} is not allowed; use a whole number of GiB from 21 to 200 or a ` +
        'size such as 50GiB or 51200MiB',
    )
  })
})

describe('the warning for a small plain --memory', () => {
  test.each([
    ['4', '--memory: 4 is 4 MiB; did you mean 4GiB?'],
    ['127', '--memory: 127 is 127 MiB; did you mean 127GiB?'],
    ['128', undefined],
    ['4096', undefined],
    ['4MiB', undefined],
    ['64m', undefined],
  ])('%j: %j', (raw, warning) => {
    const s = flag(raw)
    expect(smallMemoryWarning(s, size(s, 'MiB', {min: 1}))).toBe(warning)
  })

  test('names the config file a small value came from', () => {
    const s = flag(16, '/repo/.mfbatchrc.json (key memory)')
    expect(smallMemoryWarning(s, size(s, 'MiB', {min: 1}))).toBe(
      '/repo/.mfbatchrc.json (key memory): 16 is 16 MiB; did you mean 16GiB?',
    )
  })
})
