import {nameFrom, parseBatchArn} from '../../../../src/emulator/batch/arn'
import {parseDefinitionRef} from '../../../../src/emulator/batch/control/definitions'

const ARN = 'arn:aws:batch:us-east-1:000000000000'

describe('names and ARNs', () => {
  test.each([
    [`${ARN}:job-queue/local`, {resource: 'job-queue', rest: 'local'}],
    [
      `${ARN}:job/5b2c0e4a-0000-4000-8000-000000000000:3`,
      {resource: 'job', rest: '5b2c0e4a-0000-4000-8000-000000000000:3'},
    ],
    ['arn:aws-cn:batch:cn-north-1:1:compute-environment/c', {resource: 'compute-environment', rest: 'c'}],
    ['local', undefined],
    ['arn:aws:ecs:us-east-1:0:cluster/x', undefined],
  ])('parseBatchArn(%j)', (value, expected) => {
    expect(parseBatchArn(value)).toEqual(expected)
  })

  test('a "name or ARN" member: the name, or the ARN of the expected type reduced to its name', () => {
    expect([
      nameFrom('local', 'job-queue'),
      nameFrom(`${ARN}:job-queue/local`, 'job-queue'),
      nameFrom(`${ARN}:compute-environment/local`, 'job-queue'),
    ]).toEqual(['local', 'local', `${ARN}:compute-environment/local`])
  })

  test.each([
    ['jd', {kind: 'latest', name: 'jd'}],
    ['jd:12', {kind: 'revision', name: 'jd', revision: 12}],
    [`${ARN}:job-definition/jd:3`, {kind: 'revision', name: 'jd', revision: 3}],
    [`${ARN}:job-definition/jd`, {kind: 'invalid'}],
    [`${ARN}:job-queue/jd:3`, {kind: 'invalid'}],
    ['jd:latest', {kind: 'invalid'}],
    ['has space', {kind: 'invalid'}],
  ])('job definition reference %j', (value, expected) => {
    expect(parseDefinitionRef(value)).toEqual(expected)
  })
})
