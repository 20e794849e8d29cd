import type {ListJobsCommandInput} from '@aws-sdk/client-batch'

import {
  ACTIVE_STATES,
  describeJobs,
  JOB_STATES,
  listJobs,
  listRequests,
  matchesFilter,
  nameMatcher,
  parseStates,
} from '../../../../src/batch/jobs/query'
import {InputError, RuntimeError} from '../../../../src/errors'
import {awsError, fakeBatch, job, summary, uuid} from './jobs-fake'

describe('describeJobs', () => {
  test('250 ids take 3 calls of at most 100, results in the order given, unknown ids reported', async () => {
    const known = Array.from({length: 249}, (_, i) => job(i, 'RUNNING'))
    const sizes: number[] = []
    const {batch, calls} = fakeBatch(known)
    const original = batch.describeJobs
    batch.describeJobs = async (input) => {
      sizes.push(input.jobs!.length)
      return original(input)
    }

    const ids = [uuid(999), ...Array.from({length: 249}, (_, i) => uuid(248 - i))]
    const {jobs, missing} = await describeJobs(batch, [...ids, uuid(5)])
    expect(calls).toEqual(['DescribeJobs', 'DescribeJobs', 'DescribeJobs'])
    expect(sizes).toEqual([100, 100, 50])
    expect(jobs.map((j) => j.jobId)).toEqual(ids.slice(1))
    expect(missing).toEqual([uuid(999)])
  })

  test('an AWS failure becomes a sentence', async () => {
    const {batch} = fakeBatch([], {
      async describeJobs() {
        throw awsError('AccessDeniedException', 'not allowed', 403)
      },
    })
    await expect(describeJobs(batch, [uuid(1)])).rejects.toThrow(
      new RuntimeError(
        'describing jobs: AWS refused the credentials (AccessDeniedException: not allowed); check --profile and --region',
      ),
    )
  })
})

describe('parseStates', () => {
  test('none given: the active states', () => {
    expect(parseStates()).toEqual(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'])
    expect(parseStates([])).toEqual(ACTIVE_STATES)
  })

  test('case-insensitive, repeatable or comma-separated, in lifecycle order, no duplicates', () => {
    expect(parseStates(['failed', 'Running,RUNNABLE', 'running'])).toEqual(['RUNNABLE', 'RUNNING', 'FAILED'])
  })

  test('all is every status', () => {
    expect(parseStates(['all'])).toEqual(JOB_STATES)
  })

  test('an unknown status names the flag and the choices', () => {
    expect(() => parseStates(['done'])).toThrow(
      new InputError(
        '--state: "done" is not allowed; use one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED or all',
      ),
    )
  })
})

describe('nameMatcher', () => {
  test.each([
    ['train', 'train-1', true],
    ['train', 'Training', true],
    ['train', 'pretrain', false],
    ['train-*-v2', 'train-big-v2', true],
    ['train-*-v2', 'train-big-v3', false],
    ['*-v2', 'x-v2', true],
    ['job-?', 'job-7', true],
    ['job-?', 'job-17', false],
    ['a.b*', 'axb', false],
    [undefined, 'anything', true],
  ])('%s ~ %s = %s', (pattern, name, expected) => {
    expect(nameMatcher(pattern)(name)).toBe(expected)
  })
})

describe('listRequests', () => {
  const base = {jobQueue: 'q', maxResults: 1000}
  const filtered = {jobQueue: 'q', maxResults: 100}
  test('no filter: one request per status', () => {
    expect(listRequests({queue: 'q', states: ['RUNNABLE', 'RUNNING']})).toEqual([
      {...base, jobStatus: 'RUNNABLE'},
      {...base, jobStatus: 'RUNNING'},
    ])
  })

  test('a name: its literal prefix goes to AWS as prefix*, once, whatever the statuses', () => {
    const expected: ListJobsCommandInput[] = [{...filtered, filters: [{name: 'JOB_NAME', values: ['train-*']}]}]
    expect(listRequests({name: 'train-*-v2', queue: 'q', since: 5, states: JOB_STATES})).toEqual(expected)
    expect(listRequests({name: 'train-', queue: 'q', states: ['RUNNING']})).toEqual(expected)
  })

  test('a glob with no literal prefix and --since: the creation time goes to AWS', () => {
    expect(listRequests({name: '*-v2', queue: 'q', since: 1234, states: ['RUNNING']})).toEqual([
      {...filtered, filters: [{name: 'AFTER_CREATED_AT', values: ['1233']}]},
    ])
  })
})

describe('matchesFilter', () => {
  test('checks status, name and creation time together', () => {
    const matches = matchesFilter({
      name: 'job-1*',
      queue: 'q',
      since: summary(11, 'RUNNING').createdAt,
      states: ['RUNNING'],
    })
    expect(
      [summary(10, 'RUNNING'), summary(11, 'RUNNING'), summary(12, 'FAILED'), summary(13, 'RUNNING', 'other')].map(
        (s) => matches(s),
      ),
    ).toEqual([false, true, false, false])
  })
})

describe('listJobs', () => {
  test('follows pages, merges statuses, newest first, stops at the limit', async () => {
    const requests: ListJobsCommandInput[] = []
    const pages: Record<string, Array<{jobs: number[]; next?: string}>> = {
      RUNNABLE: [{jobs: [1, 2], next: 't1'}, {jobs: [3]}],
      RUNNING: [{jobs: [4]}],
    }
    const {batch} = fakeBatch([], {
      async listJobs(input) {
        requests.push(input)
        const page = pages[input.jobStatus!][input.nextToken ? 1 : 0]
        return {$metadata: {}, jobSummaryList: page.jobs.map((n) => summary(n, input.jobStatus!)), nextToken: page.next}
      },
    })
    const jobs = await listJobs(batch, {queue: 'q', states: ['RUNNABLE', 'RUNNING']})
    expect(jobs.map((j) => j.jobId)).toEqual([uuid(4), uuid(3), uuid(2), uuid(1)])
    expect(requests.map((r) => [r.jobStatus, r.nextToken])).toEqual([
      ['RUNNABLE', undefined],
      ['RUNNABLE', 't1'],
      ['RUNNING', undefined],
    ])
    const limited = await listJobs(batch, {limit: 2, queue: 'q', states: ['RUNNABLE']})
    expect(limited.map((j) => j.jobId)).toEqual([uuid(2), uuid(1)])
  })

  test('a job that moves on while the statuses are listed is found once, in its later status', async () => {
    // Job 5 is RUNNABLE until the first ListJobs has been answered, then RUNNING.
    let calls = 0
    const asked: Array<string | undefined> = []
    const {batch} = fakeBatch([], {
      async listJobs(input) {
        asked.push(input.jobStatus)
        const status = calls++ === 0 ? 'RUNNABLE' : 'RUNNING'
        return {$metadata: {}, jobSummaryList: input.jobStatus === status ? [summary(5, status)] : []}
      },
    })
    // Given in any order, asked in a job's order: asked RUNNING first, it would be missed both times.
    const jobs = await listJobs(batch, {queue: 'q', states: ['RUNNING', 'RUNNABLE']})
    expect(asked).toEqual(['RUNNABLE', 'RUNNING'])
    expect(jobs.map((j) => [j.jobId, j.status])).toEqual([[uuid(5), 'RUNNING']])
  })

  test('with a server filter, statuses and the rest of the glob are applied here', async () => {
    const {batch} = fakeBatch([], {
      listJobs: async () => ({
        $metadata: {},
        jobSummaryList: [
          summary(1, 'RUNNING', 'train-a-v2'),
          summary(2, 'FAILED', 'train-b-v2'),
          summary(3, 'RUNNING', 'train-c-v1'),
        ],
      }),
    })
    const jobs = await listJobs(batch, {name: 'train-*-v2', queue: 'q', states: ['RUNNING']})
    expect(jobs.map((j) => j.jobName)).toEqual(['train-a-v2'])
  })

  test('a missing queue is a sentence listing the queues that exist', async () => {
    const {batch} = fakeBatch([], {
      async describeJobQueues(input) {
        if (input.jobQueues) return {$metadata: {}, jobQueues: []}
        return {
          $metadata: {},
          jobQueues: [
            {
              computeEnvironmentOrder: [],
              jobQueueArn: 'a',
              jobQueueName: 'local',
              priority: 1,
              state: 'ENABLED',
              status: 'VALID',
            },
            {
              computeEnvironmentOrder: [],
              jobQueueArn: 'b',
              jobQueueName: 'old',
              priority: 1,
              state: 'DISABLED',
              status: 'VALID',
            },
          ],
        }
      },
      async listJobs() {
        throw awsError('ClientException', 'JobQueue nope not found.')
      },
    })
    await expect(listJobs(batch, {queue: 'nope', states: ['RUNNING']})).rejects.toThrow(
      new RuntimeError(
        'job queue "nope" not found; queues that exist: local, old (DISABLED, VALID). Set it with --queue, the environment variable METAFLOW_BATCH_JOB_QUEUE or the config key `queue`.',
      ),
    )
  })
})
