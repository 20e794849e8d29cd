import {dependencyState} from '../../../../src/emulator/batch/engine/dependencies'
import {childDependencies} from '../../../../src/emulator/batch/jobs/submit'
import {JobStatus} from '../../../../src/emulator/batch/types'

const statuses: Record<string, JobStatus> = {a: 'SUCCEEDED', b: 'RUNNING', c: 'FAILED'}
const statusOf = (id: string): JobStatus | undefined => statuses[id]

describe('job dependencies', () => {
  test.each([
    [[], 'satisfied'],
    [[{jobId: 'a'}], 'satisfied'],
    [[{jobId: 'a'}, {jobId: 'b'}], 'waiting'],
    [[{jobId: 'b'}, {jobId: 'c'}], 'failed'],
    [[{jobId: 'gone'}], 'satisfied'],
  ])('%j → %s', (deps, expected) => {
    expect(dependencyState(deps, statusOf)).toBe(expected)
  })

  test('array children: SEQUENTIAL chains the children, N_TO_N pairs indexes, a plain id waits for the whole job', () => {
    const deps = [{type: 'SEQUENTIAL'}, {jobId: 'other', type: 'N_TO_N'}, {jobId: 'plain'}]
    expect(childDependencies('p', deps, 0)).toEqual([{jobId: 'other:0', type: 'N_TO_N'}, {jobId: 'plain'}])
    expect(childDependencies('p', deps, 2)).toEqual([
      {jobId: 'p:1', type: 'SEQUENTIAL'},
      {jobId: 'other:2', type: 'N_TO_N'},
      {jobId: 'plain'},
    ])
  })
})
