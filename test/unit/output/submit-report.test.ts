import type {Submission} from '../../../src/batch/submit/service'

import {
  connectionArgs,
  interruptedLines,
  submitResult,
  submittedLines,
  submitWaitResult,
} from '../../../src/output/submit-report'

const job: Submission = {
  defaultedQueue: false,
  jobArn: 'arn:aws:batch:us-east-1:000000000000:job/abc',
  jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/mfbatch_x:1',
  jobId: 'abc',
  jobName: 'train',
  jobQueue: 'gpu',
  platform: 'EC2',
  registered: false,
  warnings: [],
}

describe('what submit prints', () => {
  test('the next commands carry the connection flags as typed, quoted for a shell when needed', () => {
    expect(connectionArgs({})).toBe('')
    expect(connectionArgs({local: true})).toBe(' --local')
    expect(connectionArgs({'endpoint-url': 'http://127.0.0.1:4589', profile: "my team's", region: 'eu-west-1'})).toBe(
      ` --region eu-west-1 --profile 'my team'\\''s' --endpoint-url http://127.0.0.1:4589`,
    )
  })

  test('stderr after a submit: where it went, then status, logs and kill commands', () => {
    expect(submittedLines(job, 'mfbatch', ' --local')).toEqual([
      'submitted job train to queue gpu (EC2; job definition reused)',
      '  status: mfbatch status abc --local',
      '  logs:   mfbatch logs --follow abc --local',
      '  kill:   mfbatch kill abc --local',
    ])
  })

  test('after Ctrl-C: how to re-attach, or that the job was terminated', () => {
    expect(interruptedLines('abc', 'mfbatch', '', false)).toEqual([
      'interrupted; job abc keeps running. Re-attach with:',
      '  mfbatch logs --follow abc',
    ])
    expect(interruptedLines('abc', 'mfbatch', '', true)).toEqual(['interrupted; terminated job abc'])
  })

  test('--json: exactly the documented fields', () => {
    expect(submitResult(job)).toEqual({
      jobArn: 'arn:aws:batch:us-east-1:000000000000:job/abc',
      jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/mfbatch_x:1',
      jobId: 'abc',
      jobName: 'train',
      jobQueue: 'gpu',
      platform: 'EC2',
    })
  })
})

describe('submit --json --wait: the result document', () => {
  const submitted = submitResult(job)
  const now = Date.parse('2026-12-01T20:00:10Z')

  test('a job that could not start: the container reason, the status, the view of status --json', () => {
    const document = submitWaitResult(
      submitted,
      {
        end: 'finished',
        exitCode: 126,
        job: {
          container: {reason: 'CannotStartContainerError: exec: "./x.sh": executable file not found in $PATH'},
          createdAt: now - 5000,
          jobDefinition: job.jobDefinition,
          jobId: 'abc',
          jobName: 'train',
          jobQueue: 'gpu',
          startedAt: undefined,
          status: 'FAILED',
          statusReason: 'Task failed to start',
          stoppedAt: now - 1000,
        },
      },
      now,
    )
    const {job: view, ...rest} = document.result
    expect(rest).toEqual({
      end: 'finished',
      exitCode: 126,
      reason: 'CannotStartContainerError: exec: "./x.sh": executable file not found in $PATH',
      status: 'FAILED',
    })
    expect(view).toMatchObject({jobId: 'abc', status: 'FAILED', statusReason: 'Task failed to start'})
    expect(Object.keys(document).sort()).toEqual([...Object.keys(submitted), 'result'].sort())
  })

  test('interrupted before the job was ever described: nulls, not missing keys', () => {
    expect(submitWaitResult(submitted, {end: 'interrupted', exitCode: 130}, now).result).toEqual({
      end: 'interrupted',
      exitCode: 130,
      job: null,
      reason: null,
      status: null,
    })
  })
})
