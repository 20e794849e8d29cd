import {isoOrNull, jsonDocument, jsonLine} from '../../../src/output/json'

describe('json helpers', () => {
  test('isoOrNull', () => {
    expect(isoOrNull(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(isoOrNull(new Date('2024-05-01T12:00:00Z'))).toBe('2024-05-01T12:00:00.000Z')
    expect(isoOrNull()).toBeNull()
    expect(isoOrNull(Number.NaN)).toBeNull()
  })

  test('jsonLine is one line; jsonDocument is indented', () => {
    expect(jsonLine({a: 1, b: 'x\ny'})).toBe('{"a":1,"b":"x\\ny"}\n')
    expect(jsonDocument({a: [1]})).toBe('{\n  "a": [\n    1\n  ]\n}\n')
  })
})
