import {parseSelection, selectJobs} from '../../../../src/batch/jobs/selection'
import {InputError} from '../../../../src/errors'
import {fakeBatch, job, summary, uuid} from './jobs-fake'

const now = Date.parse('2024-05-01T12:00:00Z')

describe('parseSelection', () => {
  test('ids: parsed, deduplicated', () => {
    expect(parseSelection({args: [uuid(1), uuid(2), uuid(1)]}, now)).toEqual({ids: [uuid(1), uuid(2)], kind: 'ids'})
  })

  test('ids ignore the configured queue', () => {
    expect(parseSelection({args: [uuid(1)], defaultQueue: 'q'}, now)).toEqual({ids: [uuid(1)], kind: 'ids'})
  })

  test('a queue with every filter', () => {
    expect(
      parseSelection({args: [], limit: 5, name: 'train-*', queue: 'q', since: '2h', state: ['failed']}, now),
    ).toEqual({
      filter: {limit: 5, name: 'train-*', queue: 'q', since: now - 2 * 3_600_000, states: ['FAILED']},
      kind: 'queue',
    })
  })

  test('the configured queue when no ids and no --queue', () => {
    expect(parseSelection({args: [], defaultQueue: 'dflt'}, now)).toEqual({
      filter: {queue: 'dflt', states: ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING']},
      kind: 'queue',
    })
  })

  test.each([
    [{args: []}, 'give one or more job ids, or --queue QUEUE to choose jobs by queue'],
    [{args: [uuid(1)], queue: 'q'}, '--queue chooses jobs by queue; give job ids or --queue, not both'],
    [{args: [uuid(1)], state: ['all']}, '--state chooses jobs by queue; give job ids or --queue, not both'],
    [
      {args: ['nope']},
      'job id: "nope" is not allowed; use a job id (a UUID, or UUID:N for an array child) or a job ARN',
    ],
    [
      {args: [], queue: 'q', since: 'soon'},
      '--since: "soon" is not allowed; use a duration such as 2h or an ISO date such as 2024-05-01T10:00Z',
    ],
    [{args: [], queue: 'a;b'}, '--queue: "a;b" is not allowed; use a job queue name or ARN'],
    [
      {args: [], defaultQueue: 'my queue', defaultQueueSource: 'METAFLOW_BATCH_JOB_QUEUE'},
      'METAFLOW_BATCH_JOB_QUEUE: "my queue" is not allowed; use a job queue name or ARN',
    ],
    [
      {args: [], queue: 'q', state: ['done']},
      '--state: "done" is not allowed; use one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED or all',
    ],
  ])('bad input %j', (input, message) => {
    expect(() => parseSelection(input, now)).toThrow(new InputError(message))
  })
})

describe('selectJobs', () => {
  test('a queue: listed, then described, newest first', async () => {
    const {batch, calls} = fakeBatch([job(1, 'RUNNING'), job(2, 'RUNNABLE')], {
      listJobs: async (input) => ({
        $metadata: {},
        jobSummaryList: input.jobStatus === 'RUNNING' ? [summary(1, 'RUNNING')] : [summary(2, 'RUNNABLE')],
      }),
    })
    const selected = await selectJobs(batch, {filter: {queue: 'q', states: ['RUNNABLE', 'RUNNING']}, kind: 'queue'})
    expect(selected.jobs.map((j) => j.jobId)).toEqual([uuid(2), uuid(1)])
    expect(selected.missing).toEqual([])
    expect(calls).toEqual(['ListJobs', 'ListJobs', 'DescribeJobs'])
  })

  test('ids: unknown ones are missing', async () => {
    const {batch} = fakeBatch([job(1, 'RUNNING')])
    const selected = await selectJobs(batch, {ids: [uuid(7), uuid(1)], kind: 'ids'})
    expect(selected.jobs.map((j) => j.jobId)).toEqual([uuid(1)])
    expect(selected.missing).toEqual([uuid(7)])
  })
})
