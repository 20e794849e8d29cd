import type {TerminateJobsCommandInput, TerminateJobsCommandOutput} from '@aws-sdk/client-batch'

import {terminateJobs} from '../../../../src/batch/jobs/terminate'
import {queueGroups} from '../../../../src/batch/kill/bulk'
import {awsError, fakeBatch, job, uuid} from '../jobs/jobs-fake'

function fakeClock(): {now(): number; sleep(ms: number): Promise<void>} {
  let time = 0
  return {
    now: () => time,
    async sleep(ms) {
      time += ms
    },
  }
}

const QUEUE_A = 'arn:aws:batch:us-east-1:000000000000:job-queue/a'
const QUEUE_B = 'arn:aws:batch:us-east-1:000000000000:job-queue/b'
const ids = (from: number, to: number): string[] => Array.from({length: to - from + 1}, (_, i) => uuid(from + i))

describe('queueGroups', () => {
  test('up to 50 jobs a group, one queue a group, in the order the jobs came', () => {
    const jobs = [
      ...Array.from({length: 120}, (_, i) => job(i + 1, 'RUNNABLE', {jobQueue: QUEUE_A})),
      ...Array.from({length: 3}, (_, i) => job(200 + i, 'RUNNING', {jobQueue: QUEUE_B})),
      job(300, 'RUNNABLE', {jobQueue: QUEUE_A}),
    ]
    const groups = queueGroups(jobs).map((group) => group.map((j) => j.jobId))
    expect(groups).toEqual([ids(1, 50), ids(51, 100), [...ids(101, 120), uuid(300)], ids(200, 202)])
  })
})

describe('terminateJobs with TerminateJobs', () => {
  test('one call per 50 jobs of a queue; each group error read; a throttled job sent again', async () => {
    const sent: TerminateJobsCommandInput[] = []
    const jobs = [
      ...Array.from({length: 60}, (_, i) => job(i + 1, 'RUNNABLE', {jobQueue: QUEUE_A})),
      job(100, 'RUNNING', {jobQueue: QUEUE_B}),
      job(101, 'SUCCEEDED', {jobQueue: QUEUE_B}),
    ]
    let throttledOnce = false
    const {batch, calls} = fakeBatch(jobs, {
      async terminateJobs(input): Promise<TerminateJobsCommandOutput> {
        sent.push(input)
        const errors = []
        if (input.jobs!.includes(uuid(7))) errors.push({code: 'AccessDenied', job: uuid(7), message: 'not yours'})
        if (input.jobs!.includes(uuid(100)) && !throttledOnce) {
          throttledOnce = true
          errors.push({code: 'ThrottlingException', job: uuid(100), message: 'Rate exceeded'})
        }

        const failed = new Set(errors.map((e) => e.job))
        return {$metadata: {}, errors, successful: input.jobs!.filter((id) => !failed.has(id))}
      },
    })
    const settled: number[] = []
    const report = await terminateJobs(batch, [...ids(1, 60), uuid(100), uuid(101), uuid(999)], {
      clock: fakeClock(),
      onSettled: (n) => settled.push(n),
      random: () => 0,
      reason: 'stop',
    })
    expect(report).toEqual({
      alreadyFinished: [{jobId: uuid(101), status: 'SUCCEEDED'}],
      failed: [{jobId: uuid(7), message: 'AccessDenied: not yours'}],
      notFound: [uuid(999)],
      terminated: [...ids(1, 6), ...ids(8, 60), uuid(100)],
    })
    expect(sent.map((s) => s.jobs)).toEqual([ids(1, 50), ids(51, 60), [uuid(100)], [uuid(100)]])
    expect(sent.every((s) => s.reason === 'stop')).toBe(true)
    expect(calls).toEqual(['DescribeJobs', 'TerminateJobs', 'TerminateJobs', 'TerminateJobs', 'TerminateJobs'])
    expect(settled).toEqual([50, 60, 61])
  })

  test('an endpoint without TerminateJobs: one refused call, then TerminateJob per job', async () => {
    const {batch, calls} = fakeBatch([job(1, 'RUNNING'), job(2, 'RUNNABLE')], {
      async terminateJob() {
        return {$metadata: {}}
      },
      async terminateJobs() {
        throw awsError('UnknownOperationException', 'Unknown operation POST /v1/terminatejobs', 404)
      },
    })
    const report = await terminateJobs(batch, [uuid(1), uuid(2)], {clock: fakeClock()})
    expect(report).toEqual({alreadyFinished: [], failed: [], notFound: [], terminated: [uuid(1), uuid(2)]})
    expect(calls).toEqual(['DescribeJobs', 'TerminateJobs', 'TerminateJob', 'TerminateJob'])
  })

  test('a call that fails for good fails its group with the sentence, and no fallback', async () => {
    const {batch, calls} = fakeBatch([job(1, 'RUNNING')], {
      async terminateJobs() {
        throw awsError('ClientException', 'User is not authorized')
      },
    })
    const report = await terminateJobs(batch, [uuid(1)], {clock: fakeClock()})
    expect(report.terminated).toEqual([])
    expect(report.failed).toHaveLength(1)
    expect(report.failed[0].jobId).toBe(uuid(1))
    expect(report.failed[0].message).toMatch(/not authorized/)
    expect(calls).toEqual(['DescribeJobs', 'TerminateJobs'])
  })
})
