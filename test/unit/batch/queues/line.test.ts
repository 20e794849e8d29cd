import type {BatchApi} from '../../../../src/batch/clients'

import {ordinal, positionText, queuePositions, timeLimitText} from '../../../../src/batch/queues/line'
import {awsError, job, uuid} from '../jobs/jobs-fake'

const QUEUE = 'arn:aws:batch:us-east-1:000000000000:job-queue/q'
const arnOf = (id: string) => `arn:aws:batch:us-east-1:000000000000:job/${id}`

function snapshotOf(ids: string[]): BatchApi {
  return {
    async getJobQueueSnapshot() {
      return {$metadata: {}, frontOfQueue: {jobs: ids.map((id) => ({jobArn: arnOf(id)})), lastUpdatedAt: 1}}
    },
  } as unknown as BatchApi
}

describe("the queue's line", () => {
  test.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [100, '100th'],
    [111, '111th'],
  ])('%d is %s', (n, text) => {
    expect(ordinal(n)).toBe(text)
  })

  test('the text: of N, or of 100+ when the snapshot was full', () => {
    expect(positionText({more: false, position: 12, runnable: 40})).toBe('12th of 40 RUNNABLE')
    expect(positionText({more: true, position: 3, runnable: 100})).toBe('3rd of 100+ RUNNABLE')
  })

  test('positions of the RUNNABLE jobs the snapshot lists; none for others, one call per queue', async () => {
    const line = [uuid(7), `${uuid(8)}:2`, uuid(9)]
    let calls = 0
    const batch = snapshotOf(line)
    const counting = {
      getJobQueueSnapshot(input: never) {
        calls++
        return batch.getJobQueueSnapshot(input)
      },
    } as unknown as BatchApi
    const jobs = [
      job(9, 'RUNNABLE', {jobQueue: QUEUE}),
      job(7, 'RUNNABLE', {jobQueue: QUEUE}),
      job(1, 'RUNNING', {jobQueue: QUEUE}),
      job(2, 'RUNNABLE', {jobQueue: QUEUE}),
      {...job(8, 'RUNNABLE', {jobQueue: QUEUE}), jobId: `${uuid(8)}:2`},
    ]
    expect(Object.fromEntries(await queuePositions(counting, jobs))).toEqual({
      [`${uuid(8)}:2`]: {more: false, position: 2, runnable: 3},
      [uuid(7)]: {more: false, position: 1, runnable: 3},
      [uuid(9)]: {more: false, position: 3, runnable: 3},
    })
    expect(calls).toBe(1)
  })

  test('an endpoint without the operation, or one that refuses it: no positions, no error', async () => {
    for (const error of [
      awsError('UnknownOperationException', 'Unknown operation', 404),
      awsError('ClientException', 'not authorized'),
    ]) {
      const batch = {
        async getJobQueueSnapshot() {
          throw error
        },
      } as unknown as BatchApi
      // eslint-disable-next-line no-await-in-loop
      expect((await queuePositions(batch, [job(1, 'RUNNABLE', {jobQueue: QUEUE})])).size).toBe(0)
    }
  })

  test('time limits as sentences', () => {
    expect(timeLimitText({action: 'CANCEL', maxTimeSeconds: 600, reason: 'too long', state: 'RUNNABLE'})).toBe(
      'cancels jobs RUNNABLE at the head of the queue for over 10m: too long',
    )
    expect(timeLimitText({action: 'TERMINATE', maxTimeSeconds: 7200, state: 'RUNNABLE'})).toBe(
      'terminates jobs RUNNABLE at the head of the queue for over 2h',
    )
    expect(timeLimitText({action: 'CANCEL', maxTimeSeconds: 650, reason: 'r', state: 'RUNNABLE'})).toBe(
      'cancels jobs RUNNABLE at the head of the queue for over 650s: r',
    )
  })
})
