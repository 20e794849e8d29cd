import {buildConsumables} from '../../../../src/batch/submit/consumables'
import {InputError} from '../../../../src/errors'

const flag = (value: string[]) => ({origin: {kind: 'flag' as const, label: '--consumable'}, value})
const ALLOWED = 'use NAME=N: a consumable resource name or ARN and a whole number of at least 1, such as licence=2'

describe('--consumable NAME=N', () => {
  test('name and quantity, in order; an ARN is a name', () => {
    expect(
      buildConsumables(flag(['licence=2', 'arn:aws:batch:us-east-1:123456789012:consumable-resource/gpu-tokens=1'])),
    ).toEqual([
      {consumableResource: 'licence', quantity: 2},
      {consumableResource: 'arn:aws:batch:us-east-1:123456789012:consumable-resource/gpu-tokens', quantity: 1},
    ])
    expect(buildConsumables()).toBeUndefined()
  })

  test.each([
    ['licence', `--consumable: "licence" is not allowed; ${ALLOWED}`],
    ['licence=0', `--consumable: "licence=0" is not allowed; ${ALLOWED}`],
    ['licence=1.5', `--consumable: "licence=1.5" is not allowed; ${ALLOWED}`],
    ['=2', `--consumable: "=2" is not allowed; ${ALLOWED}`],
    ['a b=2', `--consumable: "a b=2" is not allowed; ${ALLOWED}`],
  ])('%s is refused', (value, message) => {
    expect(() => buildConsumables(flag([value]))).toThrow(new InputError(message))
  })

  test('each resource once, at most 5', () => {
    expect(() => buildConsumables(flag(['a=1', 'a=2']))).toThrow(
      new InputError('--consumable: "a=2" is not allowed; a is given twice; give each resource once'),
    )
    expect(() => buildConsumables(flag(['a=1', 'b=1', 'c=1', 'd=1', 'e=1', 'f=1']))).toThrow(
      new InputError('--consumable: 6 consumable resources is too many; AWS Batch allows 5'),
    )
  })
})
