import type {ResolvedSettings} from '../../../../src/config/types'

import {prepareSubmit} from '../../../../src/batch/submit/service'
import {InputError} from '../../../../src/errors'

const flag = (label: string, value: unknown) => ({origin: {kind: 'flag' as const, label}, value})

function settings(values: Record<string, [string, unknown]>): Partial<ResolvedSettings> {
  return Object.fromEntries(Object.entries(values).map(([name, [label, value]]) => [name, flag(label, value)]))
}

describe('prepareSubmit: what can be checked before any API call', () => {
  test('--platform auto: an EC2-only setting waits for the queue to say which platform it is', () => {
    const prepared = prepareSubmit(
      settings({queue: ['--queue', 'q'], sharedMemory: ['--shared-memory', '64']}),
      ['true'],
      {},
    )
    expect(prepared).toMatchObject({choice: 'auto', queue: 'q'})
    expect(prepared.spec).toBeUndefined()
  })

  test('--platform auto: a Fargate-only setting too', () => {
    const prepared = prepareSubmit(
      settings({
        ephemeralStorage: ['--ephemeral-storage', '30'],
        executionRole: ['--execution-role', 'arn:aws:iam::123456789012:role/x'],
      }),
      ['true'],
      {},
    )
    expect(prepared.choice).toBe('auto')
  })

  test('wrong on every platform: refused at once, with the EC2 wording', () => {
    expect(() => prepareSubmit(settings({cpu: ['--cpu', 'lots']}), ['true'], {})).toThrow(InputError)
  })

  test('a given platform builds the spec now, so an EC2-only setting on Fargate fails before any call', () => {
    const fargate = settings({platform: ['--platform', 'fargate'], sharedMemory: ['--shared-memory', '64']})
    expect(() => prepareSubmit(fargate, ['true'], {})).toThrow(
      '--shared-memory: "64" is not allowed; it works only on EC2 queues, not on Fargate',
    )
    const ec2 = prepareSubmit(settings({platform: ['--platform', 'ec2'], queue: ['--queue', 'q']}), ['true'], {})
    expect(ec2.spec?.platform).toBe('EC2')
  })
})
