import {DEFAULT_LOG_GROUP, logGroupOf} from '../../../../src/batch/logs/source'
import {job} from './logs-fakes'

const awslogs = (group?: string) => {
  const options: Record<string, string> = group ? {'awslogs-group': group} : {}
  return {logConfiguration: {logDriver: 'awslogs' as const, options}}
}

describe('logGroupOf', () => {
  test("a job's awslogs-group, else the default group", () => {
    expect(logGroupOf(job({container: awslogs('/team/jobs')}))).toBe('/team/jobs')
    expect(logGroupOf(job({container: awslogs()}))).toBe(DEFAULT_LOG_GROUP)
    expect(logGroupOf(job({}))).toBe(DEFAULT_LOG_GROUP)
  })

  test('a multi-node parent, which has no container: the group of its node ranges', () => {
    const nodeProperties = {
      mainNode: 0,
      nodeRangeProperties: [{container: awslogs('/team/nodes'), targetNodes: '0:'}],
      numNodes: 3,
    }
    expect(logGroupOf(job({nodeProperties}))).toBe('/team/nodes')
    expect(logGroupOf(job({nodeProperties: {...nodeProperties, nodeRangeProperties: [{targetNodes: '0:'}]}}))).toBe(
      DEFAULT_LOG_GROUP,
    )
  })
})
