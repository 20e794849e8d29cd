import {selectJobs} from '../../../../src/emulator/batch/jobs/list'
import {JobRecord, JobSpec, JobStatus} from '../../../../src/emulator/batch/types'

const ARN = 'arn:aws:batch:us-east-1:000000000000:job-definition'
function job(seq: number, name: string, status: JobStatus, definition = 'jd:1'): JobRecord {
  const [defName] = definition.split(':')
  return {
    attempts: [],
    createdAt: 1000 * seq,
    dependsOn: [],
    jobArn: `arn:job/${seq}`,
    jobId: `id${seq}`,
    seq,
    spec: {jobDefinitionArn: `${ARN}/${definition}`, jobDefinitionName: defName, jobName: name} as JobSpec,
    status,
    tags: {},
  }
}

const jobs = [
  job(1, 'Train-1', 'SUCCEEDED'),
  job(2, 'train-2', 'RUNNING', 'other:1'),
  job(3, 'test-1', 'RUNNING'),
  job(4, 'train-3', 'FAILED', 'jd:2'),
  job(5, 'training', 'RUNNING'),
]
const ids = (page: {jobs: JobRecord[]}): string[] => page.jobs.map((j) => j.jobId)
const select = (query: Parameters<typeof selectJobs>[1]) => selectJobs(jobs, query, (j) => j.spec!)

describe('ListJobs selection and paging', () => {
  test('jobStatus defaults to RUNNING; submission order', () => {
    expect(ids(select({}))).toEqual(['id2', 'id3', 'id5'])
    expect(ids(select({jobStatus: 'FAILED'}))).toEqual(['id4'])
  })

  test('JOB_NAME: exact or prefix with *, any case; jobStatus ignored; newest first', () => {
    expect(ids(select({filters: [{name: 'JOB_NAME', values: ['train-1']}], jobStatus: 'RUNNING'}))).toEqual(['id1'])
    expect(ids(select({filters: [{name: 'JOB_NAME', values: ['TRAIN*']}]}))).toEqual(['id5', 'id4', 'id2', 'id1'])
    expect(ids(select({filters: [{name: 'JOB_NAME', values: ['train']}]}))).toEqual([])
  })

  test('JOB_DEFINITION: a name matches every revision, an ARN one revision; * means "starts with"', () => {
    expect(ids(select({filters: [{name: 'JOB_DEFINITION', values: ['jd']}]}))).toEqual(['id5', 'id4', 'id3', 'id1'])
    expect(ids(select({filters: [{name: 'JOB_DEFINITION', values: [`${ARN}/jd:2`]}]}))).toEqual(['id4'])
    expect(ids(select({filters: [{name: 'JOB_DEFINITION', values: ['oth*']}]}))).toEqual(['id2'])
  })

  test('created-at filters compare epoch milliseconds; several filters must all match', () => {
    expect(ids(select({filters: [{name: 'AFTER_CREATED_AT', values: ['2000']}]}))).toEqual(['id5', 'id4', 'id3'])
    expect(ids(select({filters: [{name: 'BEFORE_CREATED_AT', values: ['2000']}]}))).toEqual(['id1'])
    expect(
      ids(
        select({
          filters: [
            {name: 'AFTER_CREATED_AT', values: ['1000']},
            {name: 'JOB_NAME', values: ['train*']},
          ],
        }),
      ),
    ).toEqual(['id5', 'id4', 'id2'])
  })

  test('paging walks every match once, with a token only while more remain', () => {
    const first = select({jobStatus: 'RUNNING', maxResults: 2})
    expect(ids(first)).toEqual(['id2', 'id3'])
    expect(typeof first.nextToken).toBe('string')
    const second = select({jobStatus: 'RUNNING', maxResults: 2, nextToken: first.nextToken})
    expect(second).toEqual({jobs: [jobs[4]]})

    const byName1 = select({filters: [{name: 'JOB_NAME', values: ['t*']}], maxResults: 3})
    const byName2 = select({filters: [{name: 'JOB_NAME', values: ['t*']}], maxResults: 3, nextToken: byName1.nextToken})
    expect([...ids(byName1), '|', ...ids(byName2)]).toEqual(['id5', 'id4', 'id3', '|', 'id2', 'id1'])
    expect(byName2.nextToken).toBeUndefined()
  })

  test('an exact page leaves no token behind', () => {
    expect(select({jobStatus: 'RUNNING', maxResults: 3}).nextToken).toBeUndefined()
  })

  test('an unknown filter is refused', () => {
    expect(() => select({filters: [{name: 'COLOUR', values: ['red']}]})).toThrow('Unsupported filter name COLOUR.')
  })
})
