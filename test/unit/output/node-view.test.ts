import type {JobDetail} from '@aws-sdk/client-batch'

import {palette} from '../../../src/output/color'
import {jobDetailPairs, jobView} from '../../../src/output/job-view'
import {nodeLines} from '../../../src/output/node-view'

const ID = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'
const T0 = Date.parse('2024-05-01T12:00:00Z')
const now = T0 + 60_000
const plain = {now, paint: palette(false)}

const parent: JobDetail = {
  jobDefinition: 'd',
  jobId: ID,
  jobName: 'train',
  jobQueue: 'q',
  nodeProperties: {mainNode: 0, nodeRangeProperties: [], numNodes: 3},
  startedAt: T0,
  status: 'FAILED',
  statusReason: 'Essential container in task exited',
  stoppedAt: T0 + 42_000,
}

function node(index: number, fields: Partial<JobDetail>): JobDetail {
  return {
    jobDefinition: 'd',
    jobId: `${ID}#${index}`,
    jobName: 'train',
    jobQueue: 'q',
    nodeDetails: {isMainNode: index === 0, nodeIndex: index},
    startedAt: T0,
    status: 'FAILED',
    stoppedAt: T0 + 42_000,
    ...fields,
  }
}

const nodes = [
  node(0, {container: {exitCode: 4}, statusReason: 'Essential container in task exited'}),
  node(1, {statusReason: 'Main node exited; the job has ended'}),
  node(2, {startedAt: undefined, status: 'RUNNABLE', stoppedAt: undefined}),
]
const views = nodes.map((n) => jobView(n, now))

describe('node rows of a multi-node job', () => {
  test('in a pipe: one Node line per node, id, role, status, exit, reason, seconds', () => {
    expect(nodeLines(views, {...plain, tty: false})).toEqual([
      `Node\t${ID}#0\tmain\tFAILED\t4\tEssential container in task exited\t42`,
      `Node\t${ID}#1\tchild\tFAILED\t\tMain node exited; the job has ended\t42`,
      `Node\t${ID}#2\tchild\tRUNNABLE\t\t\t`,
    ])
  })

  test('on a terminal: "Each node:" and an aligned table under it', () => {
    expect(nodeLines(views, {...plain, tty: true})).toEqual([
      'Each node:',
      `  NODE                                    ROLE   STATUS    EXIT  REASON                               DURATION`,
      `  ${ID}#0  main   FAILED    4     Essential container in task exited   42s`,
      `  ${ID}#1  child  FAILED          Main node exited; the job has ended  42s`,
      `  ${ID}#2  child  RUNNABLE`,
    ])
  })

  test('no nodes, no lines', () => {
    expect(nodeLines([], {...plain, tty: true})).toEqual([])
  })

  test('the one-job view says how many nodes a parent has, and which node a node is', () => {
    const context = {...plain, tty: false}
    expect(jobDetailPairs(jobView(parent, now), context)).toContainEqual(['Nodes', '3'])
    expect(jobDetailPairs(views[0], context)).toContainEqual(['Node', '0 (main node)'])
    expect(jobDetailPairs(views[1], context)).toContainEqual(['Node', '1 (child)'])
  })

  test('--json: a parent given with its nodes carries their views; other jobs no nodes key', () => {
    const view = jobView(parent, now, nodes)
    expect(view.nodes?.map((n) => [n.jobId, n.node?.index, n.status, n.exitCode])).toEqual([
      [`${ID}#0`, 0, 'FAILED', 4],
      [`${ID}#1`, 1, 'FAILED', null],
      [`${ID}#2`, 2, 'RUNNABLE', null],
    ])
    expect(Object.keys(jobView(parent, now))).not.toContain('nodes')
    expect(Object.keys(view)).toEqual(Object.keys(view).sort())
  })
})
