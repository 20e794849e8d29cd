import type {JobDetail, SubmitJobCommandInput} from '@aws-sdk/client-batch'

import type {BatchApi} from '../../../../src/batch/clients'

import {SubmitTracker} from '../../../../src/batch/submit/interrupted'
import {SUBMISSION_TAG} from '../../../../src/batch/submit/once'

/**
 * A Batch whose SubmitJob never answers: with `makes`, the job exists anyway (the answer is what got lost). The
 * lookup sees jobs through ListJobs by name and DescribeJobs for the tags, as once.ts asks.
 */
function silentBatch({lookupFails = false, makes = false} = {}) {
  const jobs: JobDetail[] = []
  const calls: string[] = []
  const batch = {
    async describeJobs({jobs: ids}) {
      calls.push('DescribeJobs')
      return {$metadata: {}, jobs: jobs.filter((j) => ids?.includes(j.jobId!))}
    },
    async listJobs({filters}) {
      calls.push('ListJobs')
      if (lookupFails) throw Object.assign(new Error('slow down'), {name: 'TooManyRequestsException'})
      const name = filters?.[0].values?.[0]
      return {$metadata: {}, jobSummaryList: jobs.filter((j) => j.jobName === name).map((j) => ({jobId: j.jobId}))}
    },
    submitJob(input: SubmitJobCommandInput) {
      calls.push('SubmitJob')
      if (makes) {
        jobs.push({jobId: 'made-1', jobName: input.jobName, jobQueue: input.jobQueue, tags: input.tags} as JobDetail)
      }

      return new Promise(() => {})
    },
  } as Partial<BatchApi> as BatchApi
  return {batch, calls}
}

const INPUT = {jobDefinition: 'd', jobName: 'train', jobQueue: 'q', tags: {[SUBMISSION_TAG]: 'token-1'}}

describe('SubmitTracker.settle: what became of a submit at Ctrl-C', () => {
  test('no SubmitJob sent: not sent, and no lookup', async () => {
    const {batch, calls} = silentBatch()
    expect(await new SubmitTracker(batch).settle()).toEqual({state: 'not-sent'})
    expect(calls).toEqual([])
  })

  test('after Ctrl-C, a submit still on its way sends no SubmitJob', async () => {
    const {batch, calls} = silentBatch()
    const tracker = new SubmitTracker(batch)
    expect(await tracker.settle()).toEqual({state: 'not-sent'})
    await expect(tracker.batch.submitJob(INPUT)).rejects.toThrow('interrupted before SubmitJob was sent')
    expect(calls).toEqual([])
  })

  test('SubmitJob unanswered, the job made: one lookup finds it by name and tag', async () => {
    const {batch, calls} = silentBatch({makes: true})
    const tracker = new SubmitTracker(batch)
    tracker.batch.submitJob(INPUT).catch(() => {})
    expect(await tracker.settle()).toEqual({job: {jobId: 'made-1', jobName: 'train'}, state: 'submitted'})
    expect(tracker.queue).toBe('q')
    expect(calls).toEqual(['SubmitJob', 'ListJobs', 'DescribeJobs'])
  })

  test('SubmitJob unanswered, no job: not submitted', async () => {
    const {batch, calls} = silentBatch()
    const tracker = new SubmitTracker(batch)
    tracker.batch.submitJob(INPUT).catch(() => {})
    expect(await tracker.settle()).toEqual({input: INPUT, state: 'not-submitted'})
    expect(calls).toEqual(['SubmitJob', 'ListJobs'])
  })

  test('a lookup that fails says it cannot tell; it is tried once, never retried', async () => {
    const {batch, calls} = silentBatch({lookupFails: true})
    const tracker = new SubmitTracker(batch)
    tracker.batch.submitJob(INPUT).catch(() => {})
    expect(await tracker.settle()).toEqual({error: 'slow down', input: INPUT, state: 'unknown'})
    expect(calls).toEqual(['SubmitJob', 'ListJobs'])
  })

  test('a lookup with no answer gives up within its bound', async () => {
    const {batch} = silentBatch()
    batch.listJobs = () => new Promise(() => {})
    const tracker = new SubmitTracker(batch)
    tracker.batch.submitJob(INPUT).catch(() => {})
    expect(await tracker.settle(20)).toEqual({error: 'no answer within 0.02s', input: INPUT, state: 'unknown'})
  })
})
