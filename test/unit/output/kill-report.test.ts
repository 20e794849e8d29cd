import {killReportLines} from '../../../src/output/kill-report'

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

describe('killReportLines', () => {
  test('an AWS message is shown inert on stderr', () => {
    const failed = [{jobId: id(4), message: 'terminating: ClientException: \u001B[2Jgone'}]
    expect(killReportLines({alreadyFinished: [], failed, notFound: [], terminated: []})[0]).toBe(
      'terminating: ClientException: ^[[2Jgone',
    )
  })

  test('all terminated: the summary alone', () => {
    expect(killReportLines({alreadyFinished: [], failed: [], notFound: [], terminated: [id(1), id(2)]})).toEqual([
      'terminated 2, already finished 0, not found 0',
    ])
  })

  test('finished, unknown and failed jobs each get a line; failures are counted in the summary', () => {
    expect(
      killReportLines({
        alreadyFinished: [{jobId: id(2), status: 'SUCCEEDED'}],
        failed: [{jobId: id(4), message: `terminating job ${id(4)}: ClientException: no`}],
        notFound: [id(3)],
        terminated: [id(1)],
      }),
    ).toEqual([
      `job ${id(2)} already finished: SUCCEEDED`,
      `job ${id(3)} not found (AWS Batch keeps finished jobs for about 7 days)`,
      `terminating job ${id(4)}: ClientException: no`,
      'terminated 1, already finished 1, not found 1, failed 1',
    ])
  })

  test('at most a screenful of detail lines', () => {
    const alreadyFinished = Array.from({length: 25}, (_, i) => ({jobId: id(i), status: 'FAILED'}))
    const lines = killReportLines({alreadyFinished, failed: [], notFound: [], terminated: []})
    expect(lines).toHaveLength(21)
    expect(lines.slice(-2)).toEqual([
      '… and 6 more (use --json for all)',
      'terminated 0, already finished 25, not found 0',
    ])
  })
})
