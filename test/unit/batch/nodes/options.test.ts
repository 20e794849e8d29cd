import type {Sourced} from '../../../../src/config/types'

import {buildNodeOptions} from '../../../../src/batch/nodes/options'
import {InputError} from '../../../../src/errors'

const flag = (label: string, value: unknown): Sourced => ({origin: {kind: 'flag', label}, value})

describe('buildNodeOptions', () => {
  test.each([
    [{}, undefined],
    [{nodes: flag('--nodes', '2')}, {count: 2, mainPort: 29_500}],
    [{nodes: flag('--nodes', '1000')}, {count: 1000, mainPort: 29_500}],
    [
      {mainPort: flag('--main-port', '1234'), nodes: flag('--nodes', '3')},
      {count: 3, mainPort: 1234},
    ],
  ])('%j -> %j', (settings, expected) => {
    expect(buildNodeOptions(settings, 'EC2')).toEqual(expected)
  })

  test.each([
    [{nodes: flag('--nodes', '1')}, 'EC2', '--nodes: "1" is not allowed; use a whole number from 2 to 1000'],
    [{nodes: flag('--nodes', '1001')}, 'EC2', '--nodes: "1001" is not allowed; use a whole number from 2 to 1000'],
    [{nodes: flag('--nodes', 'two')}, 'EC2', '--nodes: "two" is not allowed; use a whole number from 2 to 1000'],
    [
      {nodes: flag('--nodes', '2')},
      'FARGATE',
      '--nodes: "2" is not allowed; multi-node jobs run only on EC2 queues, not on Fargate',
    ],
    [
      {arraySize: flag('--array-size', '4'), nodes: flag('--nodes', '2')},
      'EC2',
      '--nodes: "2" is not allowed; a job is either multi-node or an array job; drop --array-size',
    ],
    [
      {mainPort: flag('--main-port', '70000'), nodes: flag('--nodes', '2')},
      'EC2',
      '--main-port: "70000" is not allowed; use a TCP port from 1 to 65535',
    ],
    [
      {mainPort: flag('--main-port', '1234')},
      'EC2',
      '--main-port: "1234" is not allowed; it needs --nodes N (2 or more)',
    ],
  ] as const)('%j on %s: %s', (settings, platform, message) => {
    expect(() => buildNodeOptions(settings, platform)).toThrow(new InputError(message))
  })
})
