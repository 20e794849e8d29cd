import type {SettingName, Sourced} from '../../../src/config/types'

import {CATALOG} from '../../../src/config/catalog'
import {checkSetting} from '../../../src/config/check'
import {resolveSettingsChecked} from '../../../src/config/resolve'

const spec = (name: SettingName) => CATALOG.find((s) => s.name === name)!
const from = (value: unknown, label = 'F (key x)'): Sourced => ({origin: {kind: 'project', label}, value})

describe('checkSetting: a value of the wrong kind, named with its source', () => {
  const rows: Array<[SettingName, unknown, string | undefined]> = [
    ['memory', 8192, undefined],
    ['memory', '8192', undefined],
    ['cpu', '0.25', undefined],
    ['memory', '2GiB', undefined],
    ['ephemeralStorage', '50GiB', undefined],
    ['memory', 'lots', 'F (key x): "lots" is not allowed; use a number or a size such as 4GiB or 512MiB'],
    ['memory', [1], 'F (key x): [1] is not allowed; use a number or a size such as 4GiB or 512MiB'],
    ['memory', true, 'F (key x): true is not allowed; use a number or a size such as 4GiB or 512MiB'],
    ['retries', '2GiB', 'F (key x): "2GiB" is not allowed; use a number'],
    ['package', true, undefined],
    ['package', './src', undefined],
    ['package', [1], 'F (key x): [1] is not allowed; use true, false or a directory'],
    ['timeout', '1h30m', undefined],
    ['timeout', 'soon', 'F (key x): "soon" is not allowed; use seconds or a duration like 1h30m'],
    ['tags', ['a=1'], undefined],
    ['tags', 'a=1', undefined],
    ['tags', 3, 'F (key x): 3 is not allowed; use a text or a list of texts, e.g. ["a=1", "b=2"]'],
    ['tags', {a: '1'}, 'F (key x): {"a":"1"} is not allowed; use a text or a list of texts, e.g. ["a=1", "b=2"]'],
    ['queue', 'q', undefined],
    ['queue', ['q'], 'F (key x): ["q"] is not allowed; use a text'],
    ['privileged', {}, 'F (key x): {} is not allowed; use true or false'],
    ['queue', undefined, undefined],
  ]
  test.each(rows)('%s = %j', (name, value, problem) => {
    expect(checkSetting(spec(name), from(value))).toBe(problem)
  })
})

describe('resolveSettingsChecked: every setting resolved, each wrong one reported', () => {
  test('an env value that does not parse and a wrong file value, side by side; the rest resolve', () => {
    const {problems, resolved} = resolveSettingsChecked({
      env: {METAFLOW_BATCH_DEFAULT_TAGS: '{team}', METAFLOW_DEFAULT_RUNTIME_LIMIT: 'soon'},
      flags: {queue: 'q'},
      projectConfig: {config: {memory: 'lots'}, filepath: '/p/.mfbatchrc.json'},
    })
    expect(problems).toEqual({
      defaultTags: "METAFLOW_BATCH_DEFAULT_TAGS: bad JSON: Expected property name or '}' in JSON at position 1",
      memory: '/p/.mfbatchrc.json (key memory): "lots" is not allowed; use a number or a size such as 4GiB or 512MiB',
      timeout: 'METAFLOW_DEFAULT_RUNTIME_LIMIT: "soon" is not allowed; use seconds or a duration like 1h30m',
    })
    expect(resolved.defaultTags.value).toBe('{team}')
    expect(resolved.queue.value).toBe('q')
  })
})
