import type {JobSummary} from '@aws-sdk/client-batch'

import {failedChildren, firstFailedChildCode, isArrayParent} from '../../../../src/batch/watch/array-children'
import {exitCodeForAll, JobWatcher} from '../../../../src/batch/watch/job-watcher'
import {awsError, FakeClock, job} from '../logs/logs-fakes'

const child = (index: number, exitCode?: number): JobSummary => ({
  arrayProperties: {index},
  container: exitCode === undefined ? undefined : {exitCode},
  jobId: `p:${index}`,
  jobName: 'c',
})

describe('firstFailedChildCode: the lowest-index FAILED child with a code', () => {
  const rows: Array<[string, JobSummary[], number | undefined]> = [
    ['no failed child', [], undefined],
    ['one child with a code', [child(4, 3)], 3],
    ['lowest index wins, whatever the listing order', [child(7, 9), child(2, 5), child(5, 1)], 5],
    ['a child without a code is passed over', [child(0), child(3, 4)], 4],
    ['codes no shell reports are passed over', [child(0, 0), child(1, 300), child(2, 6)], 6],
    ['no child has a code', [child(0), child(1)], undefined],
  ]
  test.each(rows)('%s', (_name, children, code) => {
    expect(firstFailedChildCode(failedChildren(children))).toBe(code)
  })

  test('failed children: lowest index first, with the container reason, else the job reason', () => {
    const summaries: JobSummary[] = [
      {...child(5, 1), container: {exitCode: 1, reason: 'OutOfMemoryError: killed'}},
      {...child(2), statusReason: 'Job terminated'},
      {jobId: 'no-index', jobName: 'c'},
    ]
    expect(failedChildren(summaries)).toEqual([
      {index: 2, reason: 'Job terminated'},
      {exitCode: 1, index: 5, reason: 'OutOfMemoryError: killed'},
    ])
  })

  test('an array parent has a size; a child has an index', () => {
    expect(isArrayParent(job({arrayProperties: {size: 3}}))).toBe(true)
    expect(isArrayParent(job({arrayProperties: {index: 1, size: 3}}))).toBe(false)
    expect(isArrayParent(job({}))).toBe(false)
  })
})

describe('a FAILED array parent in the watcher', () => {
  const parent = job({arrayProperties: {size: 3}, id: 'p', status: 'FAILED'})

  test('exits with the child code the lookup gives, looked up once', async () => {
    const asked: string[] = []
    const watcher = new JobWatcher(['p'], {
      clock: new FakeClock(),
      describe: async () => [parent],
      async failedChildren(job) {
        asked.push(job.jobId!)
        return [{exitCode: 7, index: 1, reason: 'Essential container in task exited'}]
      },
    })
    const outcome = await watcher.run()
    expect(outcome).toMatchObject({end: 'finished', exitCode: 7})
    expect(watcher.outcome('finished').exitCode).toBe(7)
    expect(asked).toEqual(['p'])
    expect(watcher.failedChildrenOf('p')).toEqual([
      {exitCode: 7, index: 1, reason: 'Essential container in task exited'},
    ])
  })

  test('a throttled lookup is tried again on the next round; the wait is not over before', async () => {
    let calls = 0
    const watcher = new JobWatcher(['p'], {
      clock: new FakeClock(),
      describe: async () => [parent],
      async failedChildren() {
        calls++
        if (calls === 1) throw awsError('TooManyRequestsException', 429)
        return [{exitCode: 2, index: 0}]
      },
    })
    expect((await watcher.run()).exitCode).toBe(2)
    expect(calls).toBe(2)
  })

  test('a lookup that fails for good, or finds no code, leaves 126', async () => {
    const failing = new JobWatcher(['p'], {
      clock: new FakeClock(),
      describe: async () => [parent],
      async failedChildren() {
        throw new Error('AccessDenied')
      },
    })
    expect((await failing.run()).exitCode).toBe(126)
    expect(exitCodeForAll([parent], new Map([['p', undefined]]))).toBe(126)
  })
})
