import {attemptEnvironment} from '../../../../src/emulator/batch/engine/environment'

describe('attempt environment', () => {
  test('only PATH, HOME and LANG come from the host; AWS_BATCH_ variables win over the job', () => {
    const env = attemptEnvironment(
      {HOME: '/root', LANG: 'C.UTF-8', PATH: '/bin', SECRET: 'x'},
      [
        {name: 'A', value: '1'},
        {name: 'AWS_BATCH_JOB_ID', value: 'spoofed'},
      ],
      {
        arrayIndex: 3,
        arraySize: 10,
        attempt: 2,
        ceName: 'local-ec2',
        jobId: 'j:3',
        platform: 'EC2',
        queueName: 'local',
      },
    )
    expect(env).toEqual({
      A: '1',
      AWS_BATCH_CE_NAME: 'local-ec2',
      AWS_BATCH_JOB_ARRAY_INDEX: '3',
      AWS_BATCH_JOB_ARRAY_SIZE: '10',
      AWS_BATCH_JOB_ATTEMPT: '2',
      AWS_BATCH_JOB_ID: 'j:3',
      AWS_BATCH_JQ_NAME: 'local',
      AWS_EXECUTION_ENV: 'AWS_ECS_EC2',
      HOME: '/root',
      LANG: 'C.UTF-8',
      PATH: '/bin',
    })
  })

  test('plain jobs get no array variables; a Fargate one is told so by AWS_EXECUTION_ENV', () => {
    const who = {attempt: 1, ceName: 'c', jobId: 'j', platform: 'FARGATE', queueName: 'q'} as const
    expect(attemptEnvironment({}, [{name: 'AWS_EXECUTION_ENV', value: 'mine'}], who)).toEqual({
      AWS_BATCH_CE_NAME: 'c',
      AWS_BATCH_JOB_ATTEMPT: '1',
      AWS_BATCH_JOB_ID: 'j',
      AWS_BATCH_JQ_NAME: 'q',
      AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE',
    })
  })
})
