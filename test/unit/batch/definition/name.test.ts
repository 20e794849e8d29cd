import {createHash} from 'node:crypto'

import {canonicalJson, definitionName} from '../../../../src/batch/definition/name'
import {requestsFor} from '../support'

describe('definition names', () => {
  test('canonical JSON sorts keys at every level, keeps array order and drops undefined members', () => {
    expect(canonicalJson({a: {9: 2, 10: 1, c: 'é', d: true}, b: [{a: undefined, m: null, z: 1}, 'x']})).toBe(
      '{"a":{"10":1,"9":2,"c":"é","d":true},"b":[{"m":null,"z":1},"x"]}',
    )
  })

  test('the name is mfbatch_ + the SHA-256 of the canonical JSON', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[2,3]}').digest('hex')
    expect(definitionName({a: 1, b: [2, 3]})).toBe(`mfbatch_${expected}`)
  })

  test('the same content gives the same name whatever the key order', () => {
    expect(definitionName({containerProperties: {command: ['a'], image: 'x'}, type: 'container'})).toBe(
      definitionName({containerProperties: {command: ['a'], image: 'x'}, type: 'container'}),
    )
  })

  test('the registered name is the hash of the definition without its name', () => {
    const {registerJobDefinition} = requestsFor({})
    const {jobDefinitionName, ...rest} = registerJobDefinition
    expect(jobDefinitionName).toBe(definitionName(rest))
  })

  /** Everything a submit can override, varied together: one definition serves all of them. */
  const SAME_DEFINITION = [
    {cpu: '16', gpu: '4', memory: '64000'},
    {env: ['A=1', 'B=2']},
    {tags: ['team=ml']},
    {queue: 'other-queue'},
    {retries: '5'},
    {timeout: '2h'},
    {arraySize: '100'},
    {user: 'bob'},
  ]

  test.each(SAME_DEFINITION)('%j shares the definition of the defaults', (flags) => {
    const base = requestsFor({})
    const other = requestsFor(flags)
    expect(other.registerJobDefinition).toEqual(base.registerJobDefinition)
    expect(other.submitJob.jobDefinition).toBe(base.submitJob.jobDefinition)
    expect(other.submitJob).not.toEqual(base.submitJob)
  })

  test('name, command and dependencies do not change the definition either', () => {
    const base = requestsFor({})
    const other = requestsFor(
      {arraySize: '2'},
      {
        dependsOn: {
          origin: {kind: 'flag', label: '--depends-on'},
          value: ['6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:N_TO_N'],
        },
        name: {origin: {kind: 'flag', label: '--name'}, value: 'other'},
      },
    )
    expect(other.registerJobDefinition.jobDefinitionName).toBe(base.registerJobDefinition.jobDefinitionName)
  })

  /** Everything only a definition can carry: each gives a definition of its own. */
  const OWN_DEFINITION = [
    {image: 'ubuntu:22.04'},
    {iamRole: 'arn:aws:iam::123456789012:role/r'},
    {sharedMemory: '64'},
    {maxSwap: '100'},
    {swappiness: '10'},
    {useTmpfs: true},
    {inferentia: '1'},
    {efa: '1'},
    {hostVolumes: ['/data']},
    {efsVolumes: ['fs-12345678']},
    {logDriver: 'json-file'},
    {privileged: true},
  ]

  test('each definition-only setting gives a different definition name', () => {
    const names = [requestsFor({}), ...OWN_DEFINITION.map((flags) => requestsFor(flags))].map(
      (r) => r.registerJobDefinition.jobDefinitionName,
    )
    expect(new Set(names).size).toBe(OWN_DEFINITION.length + 1)
  })

  test('EC2 and Fargate definitions differ', () => {
    const ec2 = requestsFor({executionRole: 'arn:aws:iam::123456789012:role/x'})
    const fargate = requestsFor({executionRole: 'arn:aws:iam::123456789012:role/x'}, {platform: 'FARGATE'})
    expect(ec2.registerJobDefinition.jobDefinitionName).not.toBe(fargate.registerJobDefinition.jobDefinitionName)
  })
})
