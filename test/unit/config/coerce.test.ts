import {toBoolean, toJsonObject} from '../../../src/config/coerce'
import {InputError} from '../../../src/errors'
import {caught} from './tree'

describe('toBoolean: false only for "0", "false" or "" in any case, as Metaflow does', () => {
  test.each([
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['fAlSe', false],
    ['', false],
    ['1', true],
    ['true', true],
    ['True', true],
    ['yes', true],
    ['no', true],
    ['off', true],
    [' 0', true],
    [0, false],
    [1, true],
    [true, true],
    [false, false],
  ])('%j -> %j', (raw, expected) => {
    expect(toBoolean(raw, 'SOURCE')).toBe(expected)
  })

  test.each([[null], [[]], [{}]])('%j is an InputError naming the source', async (raw) => {
    const error = await caught(() => toBoolean(raw, 'SOURCE'))
    expect([error.constructor, error.message]).toEqual([
      InputError,
      `SOURCE: ${JSON.stringify(raw)} is not allowed; use true or false`,
    ])
  })
})

describe('toJsonObject: dict-valued keys hold JSON', () => {
  test.each([
    ['{}', {}],
    ['{"team": "ml", "cost": "a"}', {cost: 'a', team: 'ml'}],
    [' {"n": 1} ', {n: 1}],
    [{already: 'parsed'}, {already: 'parsed'}],
  ])('%j -> %j', (raw, expected) => {
    expect(toJsonObject(raw, 'SOURCE')).toEqual(expected)
  })

  test.each([
    ['{team: ml}', `SOURCE: bad JSON: Expected property name or '}' in JSON at position 1`],
    ['', 'SOURCE: bad JSON: Unexpected end of JSON input'],
    ['[]', 'SOURCE: "[]" is not allowed; use a JSON object such as {"team": "ml"}'],
    ['null', 'SOURCE: "null" is not allowed; use a JSON object such as {"team": "ml"}'],
    ['"text"', `SOURCE: "\\"text\\"" is not allowed; use a JSON object such as {"team": "ml"}`],
    [42, 'SOURCE: 42 is not allowed; use a JSON object such as {"team": "ml"}'],
  ])('%j is an InputError: %s', async (raw, message) => {
    const error = await caught(() => toJsonObject(raw, 'SOURCE'))
    expect([error.constructor, error.message]).toEqual([InputError, message])
  })
})
