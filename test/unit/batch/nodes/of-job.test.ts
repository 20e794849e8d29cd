import {nodeCountOf, nodesInput} from '../../../../src/batch/nodes/of-job'

describe('nodeCountOf', () => {
  test.each([
    [{jobId: 'p', jobName: 'n', nodeProperties: {mainNode: 0, nodeRangeProperties: [], numNodes: 4}}, 4],
    [
      {jobId: 'p#1', jobName: 'n', nodeDetails: {isMainNode: false, nodeIndex: 1}, nodeProperties: {numNodes: 4}},
      undefined,
    ],
    [{jobId: 'j', jobName: 'n'}, undefined],
  ] as const)('%j -> %s', (job, count) => {
    expect(nodeCountOf(job as never)).toBe(count)
  })

  test('nodesInput is what submit takes for --nodes', () => {
    expect(nodesInput(4)).toEqual({origin: {kind: 'flag', label: '--nodes'}, value: '4'})
    expect(nodesInput(undefined as number | undefined)).toBeUndefined()
  })
})
