import type {TerminateJobCommandInput} from '@aws-sdk/client-batch'

import {terminateJobs} from '../../../../src/batch/jobs/terminate'
import {awsError, fakeBatch, job, uuid} from './jobs-fake'

function fakeClock(): {now(): number; sleep(ms: number): Promise<void>} {
  let time = 0
  return {
    now: () => time,
    async sleep(ms) {
      time += ms
    },
  }
}

describe('terminateJobs', () => {
  test('terminates live jobs once each, reports finished and unknown ones without a call', async () => {
    const sent: TerminateJobCommandInput[] = []
    const {batch, calls} = fakeBatch(
      [job(1, 'RUNNING'), job(2, 'RUNNABLE'), job(3, 'SUCCEEDED'), job(4, 'FAILED'), job(5, 'SUBMITTED')],
      {
        async terminateJob(input) {
          sent.push(input)
          return {$metadata: {}}
        },
      },
    )
    const settled: number[] = []
    const report = await terminateJobs(batch, [uuid(1), uuid(2), uuid(3), uuid(4), uuid(9), uuid(5), uuid(1)], {
      clock: fakeClock(),
      onSettled: (n) => settled.push(n),
      reason: 'stop',
    })
    expect(report).toEqual({
      alreadyFinished: [
        {jobId: uuid(3), status: 'SUCCEEDED'},
        {jobId: uuid(4), status: 'FAILED'},
      ],
      failed: [],
      notFound: [uuid(9)],
      terminated: [uuid(1), uuid(2), uuid(5)],
    })
    expect(sent.map((s) => s.jobId).sort()).toEqual([uuid(1), uuid(2), uuid(5)])
    expect(sent.every((s) => s.reason === 'stop')).toBe(true)
    expect(calls.filter((c) => c === 'DescribeJobs')).toHaveLength(1)
    expect(settled).toEqual([1, 2, 3])
  })

  test('the default reason', async () => {
    const sent: TerminateJobCommandInput[] = []
    const {batch} = fakeBatch([job(1, 'RUNNING')], {
      async terminateJob(input) {
        sent.push(input)
        return {$metadata: {}}
      },
    })
    await terminateJobs(batch, [uuid(1)], {clock: fakeClock()})
    expect(sent).toEqual([{jobId: uuid(1), reason: 'Terminated by mfbatch'}])
  })

  test('200 jobs are paced at the rate; throttled calls slow down and go again; each id succeeds once', async () => {
    const clock = fakeClock()
    const jobs = Array.from({length: 200}, (_, i) => job(i, 'RUNNABLE'))
    const done = new Set<string>()
    let throttles = 0
    const {batch} = fakeBatch(jobs, {
      async terminateJob(input) {
        // Every 20th call is throttled once.
        if (done.size % 20 === 7 && throttles < 10 && !done.has(`t${done.size}`)) {
          done.add(`t${done.size}`)
          throttles++
          throw awsError('TooManyRequestsException', 'Too Many Requests', 429)
        }

        if (done.has(input.jobId!)) throw new Error(`terminated twice: ${input.jobId}`)
        done.add(input.jobId!)
        return {$metadata: {}}
      },
    })
    const report = await terminateJobs(
      batch,
      jobs.map((j) => j.jobId!),
      {clock, random: () => 0.5, rate: 10},
    )
    expect(report.terminated).toEqual(jobs.map((j) => j.jobId))
    expect(report.failed).toEqual([])
    expect(throttles).toBe(10)
    // 190 calls beyond the first burst at 10 a second take at least 19 s; throttling makes it slower.
    expect(clock.now()).toBeGreaterThan(19_000)
  })

  test('a job that vanished between describe and terminate is not found; other errors are failures', async () => {
    const {batch} = fakeBatch([job(1, 'RUNNING'), job(2, 'RUNNING')], {
      async terminateJob(input) {
        if (input.jobId === uuid(1)) throw awsError('ClientException', `Job ${uuid(1)} not found`)
        throw awsError('ClientException', 'Something else')
      },
    })
    const report = await terminateJobs(batch, [uuid(1), uuid(2)], {clock: fakeClock()})
    expect(report).toEqual({
      alreadyFinished: [],
      failed: [{jobId: uuid(2), message: `terminating job ${uuid(2)}: ClientException: Something else`}],
      notFound: [uuid(1)],
      terminated: [],
    })
  })

  test('a throttle that never ends fails that id after a few tries, with a sentence', async () => {
    const {batch} = fakeBatch([job(1, 'RUNNING')], {
      async terminateJob() {
        throw awsError('TooManyRequestsException', 'Too Many Requests', 429)
      },
    })
    const report = await terminateJobs(batch, [uuid(1)], {clock: fakeClock(), random: () => 0})
    expect(report.failed).toEqual([
      {
        jobId: uuid(1),
        message: `terminating job ${uuid(1)}: AWS kept failing or throttling after several retries (TooManyRequestsException); try again`,
      },
    ])
  })
})
