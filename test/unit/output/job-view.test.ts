import type {JobDetail} from '@aws-sdk/client-batch'

import {palette} from '../../../src/output/color'
import {childCounts, environmentText, jobColumns, jobDetailPairs, jobView} from '../../../src/output/job-view'
import {renderPairs, renderTable} from '../../../src/output/table'

const ID = '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'
const DEP = '11111111-2222-3333-4444-555555555555'
const T0 = Date.parse('2024-05-01T12:00:00Z')
const now = T0 + 10 * 60_000

const failed: JobDetail = {
  attempts: [
    {
      container: {exitCode: 137, logStreamName: 'def/default/aaa', reason: 'OutOfMemoryError: Container killed'},
      startedAt: T0 + 60_000,
      statusReason: 'Essential container in task exited',
      stoppedAt: T0 + 90_000,
    },
    {
      container: {exitCode: 3, logStreamName: 'def/default/bbb'},
      startedAt: T0 + 120_000,
      statusReason: 'Essential container in task exited',
      stoppedAt: T0 + 3_845_000,
    },
  ],
  container: {
    exitCode: 3,
    image: 'python:3.11',
    logStreamName: 'def/default/bbb',
    resourceRequirements: [
      {type: 'VCPU', value: '0.5'},
      {type: 'MEMORY', value: '2048'},
    ],
  },
  createdAt: T0,
  dependsOn: [{jobId: DEP, type: 'SEQUENTIAL'}],
  jobArn: `arn:aws:batch:us-east-1:000000000000:job/${ID}`,
  jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/mfbatch_abc:1',
  jobId: ID,
  jobName: 'train',
  jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/local',
  startedAt: T0 + 120_000,
  status: 'FAILED',
  statusReason: 'Essential container in task exited',
  stoppedAt: T0 + 3_845_000,
}

const arrayParent: JobDetail = {
  arrayProperties: {size: 10, statusSummary: {FAILED: 1, RUNNING: 2, SUCCEEDED: 7}},
  createdAt: T0 + 5 * 60_000,
  jobDefinition: 'd',
  jobId: DEP,
  jobName: 'sweep',
  jobQueue: 'local',
  startedAt: T0 + 6 * 60_000,
  status: 'RUNNING',
}

const queued = {createdAt: now - 30_000, jobId: `${ID}:4`, jobName: 'child', status: 'RUNNABLE'} as JobDetail

describe('jobView', () => {
  test('a failed job with two attempts: the whole JSON view', () => {
    expect(jobView(failed, now)).toEqual({
      array: null,
      attempts: [
        {
          durationSeconds: 30,
          exitCode: 137,
          logStreamName: 'def/default/aaa',
          number: 1,
          reason: 'OutOfMemoryError: Container killed',
          startedAt: '2024-05-01T12:01:00.000Z',
          statusReason: 'Essential container in task exited',
          stoppedAt: '2024-05-01T12:01:30.000Z',
        },
        {
          durationSeconds: 3725,
          exitCode: 3,
          logStreamName: 'def/default/bbb',
          number: 2,
          reason: null,
          startedAt: '2024-05-01T12:02:00.000Z',
          statusReason: 'Essential container in task exited',
          stoppedAt: '2024-05-01T13:04:05.000Z',
        },
      ],
      createdAt: '2024-05-01T12:00:00.000Z',
      dependsOn: [{jobId: DEP, type: 'SEQUENTIAL'}],
      durationSeconds: 3725,
      exitCode: 3,
      image: 'python:3.11',
      jobArn: `arn:aws:batch:us-east-1:000000000000:job/${ID}`,
      jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/mfbatch_abc:1',
      jobId: ID,
      jobName: 'train',
      jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/local',
      logStreamName: 'def/default/bbb',
      resources: {gpus: null, memoryMiB: 2048, vcpus: 0.5},
      startedAt: '2024-05-01T12:02:00.000Z',
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      stoppedAt: '2024-05-01T13:04:05.000Z',
    })
  })

  test('a running job lasts until now; an array parent counts its children in every status', () => {
    const view = jobView(arrayParent, now)
    expect(view.durationSeconds).toBe(240)
    expect(view.array).toEqual({
      failed: null,
      index: null,
      size: 10,
      statusSummary: {FAILED: 1, PENDING: 0, RUNNABLE: 0, RUNNING: 2, STARTING: 0, SUBMITTED: 0, SUCCEEDED: 7},
    })
    expect(childCounts(view)).toBe('10 children: 2 RUNNING, 7 SUCCEEDED, 1 FAILED')
  })

  test('a job that has not started has no duration, exit code or stream', () => {
    const view = jobView(queued, now)
    expect([view.durationSeconds, view.exitCode, view.logStreamName, view.startedAt]).toEqual([null, null, null, null])
    expect(view.resources).toEqual({gpus: null, memoryMiB: null, vcpus: null})
  })
})

describe('status table', () => {
  const views = [failed, arrayParent, queued].map((job) => jobView(job, now))

  test('on a terminal: header, relative times, human durations, child counts in the reason', () => {
    const lines = renderTable(jobColumns({now, paint: palette(false), tty: true}), views, {tty: true})
    expect(lines).toEqual([
      'ID                                      NAME   STATUS    EXIT  REASON                                         CREATED  DURATION',
      `${ID}    train  FAILED    3     Essential container in task exited             10m ago  1h02m`,
      `${DEP}    sweep  RUNNING         10 children: 2 RUNNING, 7 SUCCEEDED, 1 FAILED  5m ago   4m00s`,
      `${ID}:4  child  RUNNABLE                                                       30s ago`,
    ])
  })

  test('in a pipe: no header, ISO times, seconds', () => {
    const lines = renderTable(jobColumns({now, paint: palette(true), tty: false}), views, {tty: false})
    expect(lines).toEqual([
      `${ID}\ttrain\tFAILED\t3\tEssential container in task exited\t2024-05-01T12:00:00.000Z\t3725`,
      `${DEP}\tsweep\tRUNNING\t\t10 children: 2 RUNNING, 7 SUCCEEDED, 1 FAILED\t2024-05-01T12:05:00.000Z\t240`,
      `${ID}:4\tchild\tRUNNABLE\t\t\t2024-05-01T12:09:30.000Z\t`,
    ])
  })
})

describe('detail view', () => {
  test('attempts with reasons, exit codes and streams; image, resources, dependencies', () => {
    const context = {now, paint: palette(false), tty: true}
    expect(renderPairs(jobDetailPairs(jobView(failed, now), context), {tty: true})).toEqual([
      `Job:         ${ID}`,
      'Name:        train',
      'Status:      FAILED',
      'Reason:      Essential container in task exited',
      'Exit code:   3',
      'Queue:       local',
      'Definition:  mfbatch_abc:1',
      'Image:       python:3.11',
      'Resources:   0.5 vCPU, 2048 MiB',
      `Depends on:  ${DEP} (SEQUENTIAL)`,
      'Created:     2024-05-01T12:00:00.000Z (10m ago)',
      'Started:     2024-05-01T12:02:00.000Z (8m ago)',
      'Stopped:     2024-05-01T13:04:05.000Z (just now)',
      'Duration:    1h02m',
      'Log stream:  def/default/bbb',
      'Attempts:    #1  exit 137  30s  OutOfMemoryError: Container killed  log def/default/aaa',
      '             #2  exit 3  1h02m  Essential container in task exited  log def/default/bbb',
    ])
  })

  test('in a pipe: ISO times without "ago" and durations in seconds with their unit, as label<TAB>value lines', () => {
    const context = {now, paint: palette(false), tty: false}
    const lines = renderPairs(jobDetailPairs(jobView(failed, now), context), {tty: false})
    expect(lines.slice(10)).toEqual([
      'Created\t2024-05-01T12:00:00.000Z',
      'Started\t2024-05-01T12:02:00.000Z',
      'Stopped\t2024-05-01T13:04:05.000Z',
      'Duration\t3725s',
      'Log stream\tdef/default/bbb',
      'Attempts\t#1  exit 137  30s  OutOfMemoryError: Container killed  log def/default/aaa ' +
        '#2  exit 3  3725s  Essential container in task exited  log def/default/bbb',
    ])
  })

  test('a running attempt says so, not "no exit code"; one that ended without a code still says that', () => {
    const running: JobDetail = {
      ...failed,
      attempts: [
        {
          container: {logStreamName: 'def/default/aaa'},
          startedAt: Date.parse('2024-05-01T12:02:00Z'),
          stoppedAt: Date.parse('2024-05-01T12:02:30Z'),
        },
        {container: {logStreamName: 'def/default/bbb'}, startedAt: Date.parse('2024-05-01T12:05:00Z')},
      ],
    }
    const pairs = jobDetailPairs(jobView(running, now), {now, paint: palette(false), tty: false})
    expect(pairs.find(([label]) => label === 'Attempts')).toEqual([
      'Attempts',
      '#1  no exit code  30s  log def/default/aaa\n#2  running  log def/default/bbb',
    ])
  })

  test('an array parent names its failed children, when they were looked up', () => {
    const failedChildren = [
      {exitCode: 3, index: 4, reason: 'Essential container in task exited'},
      {index: 8, reason: 'Job terminated'},
    ]
    const view = jobView(arrayParent, now, undefined, failedChildren)
    expect(view.array?.failed).toEqual([
      {exitCode: 3, index: 4, reason: 'Essential container in task exited'},
      {exitCode: null, index: 8, reason: 'Job terminated'},
    ])
    expect(childCounts(view)).toBe(
      '10 children: 2 RUNNING, 7 SUCCEEDED, 1 FAILED (child 4 exit 3, child 8 no exit code)',
    )
    const pairs = jobDetailPairs(view, {now, paint: palette(false), tty: false})
    expect(pairs.find(([label]) => label === 'Failed children')).toEqual([
      'Failed children',
      '4  exit 3  Essential container in task exited\n8  no exit code  Job terminated',
    ])
  })

  test('an array parent shows its children', () => {
    const pairs = jobDetailPairs(jobView(arrayParent, now), {now, paint: palette(false), tty: true})
    expect(pairs.find(([label]) => label === 'Array')).toEqual([
      'Array',
      '10 children: 2 RUNNING, 7 SUCCEEDED, 1 FAILED',
    ])
  })

  test('the environment, one variable a line, with the values of secret-looking names masked', () => {
    const job: JobDetail = {
      ...failed,
      container: {
        ...failed.container,
        environment: [
          {name: 'MODE', value: 'fast'},
          {name: 'DB_PASSWORD', value: 'hunter2'},
          {name: 'AWS_SESSION_TOKEN', value: 'IQoJb3JpZ2luX2VjE'},
        ],
      },
    }
    const context = {now, paint: palette(false), tty: true}
    const lines = renderPairs(jobDetailPairs(jobView(job, now), context, environmentText(job)), {tty: true})
    expect(lines.slice(8, 11)).toEqual([
      'Resources:    0.5 vCPU, 2048 MiB',
      'Environment:  MODE=fast',
      '              DB_PASSWORD=****',
    ])
    expect(lines[11]).toBe('              AWS_SESSION_TOKEN=****')
    expect(lines.join('\n')).not.toMatch(/hunter2|IQoJ/)
    expect(JSON.stringify(jobView(job, now))).not.toMatch(/hunter2|IQoJ|MODE/)
  })
})
