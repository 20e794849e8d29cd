import type {Submission} from '../../../src/batch/submit/service'

import {connectionArgs, interruptedLines, submitResult, submittedLines} from '../../../src/output/submit-report'

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
