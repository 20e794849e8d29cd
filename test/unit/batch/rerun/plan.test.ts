import type {JobDefinition, JobDetail} from '@aws-sdk/client-batch'

import {buildJobSpec} from '../../../../src/batch/definition/job-spec'
import {definitionName} from '../../../../src/batch/definition/name'
import {buildRequests} from '../../../../src/batch/definition/requests'
import {parseRerunChanges} from '../../../../src/batch/rerun/changes'
import {commandAfterJob} from '../../../../src/batch/rerun/command-line'
import {planRerun, RERUN_TAG, withUserCommand} from '../../../../src/batch/rerun/plan'
import {InputError} from '../../../../src/errors'

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'
const DEF = 'arn:aws:batch:us-east-1:123456789012:job-definition/mfbatch_abc:1'
const QUEUE = 'arn:aws:batch:us-east-1:123456789012:job-queue/q'

/** A job as DescribeJobs shows it: what AWS Batch sets itself as well as what the submit sent. */
function oldJob(extra: Partial<JobDetail> = {}): JobDetail {
  return {
    container: {
      command: ['python', 'train.py'],
      environment: [
        {name: 'A', value: '1'},
        {name: 'AWS_BATCH_JOB_ID', value: ID},
      ],
      image: 'python:3.11',
      resourceRequirements: [
        {type: 'VCPU', value: '2'},
        {type: 'MEMORY', value: '8192'},
      ],
    },
    jobDefinition: DEF,
    jobId: ID,
    jobName: 'train',
    jobQueue: QUEUE,
    platformCapabilities: ['EC2'],
    propagateTags: true,
    retryStrategy: {attempts: 3},
    status: 'FAILED',
    tags: {'mfbatch:submission-id': 'old-mark', [RERUN_TAG]: 'older', team: 'ml'},
    timeout: {attemptDurationSeconds: 3600},
    ...extra,
  } as JobDetail
}

const changes = (flags: Record<string, string | string[]> = {}, command: string[] = []) =>
  parseRerunChanges(flags, command)

describe('rerun: old job + flags -> SubmitJob', () => {
  test('no flag: the old job as it ran, with the rerun mark instead of the old marks', () => {
    expect(planRerun({job: oldJob()}, changes())).toEqual({
      submitJob: {
        containerOverrides: {
          command: ['python', 'train.py'],
          environment: [{name: 'A', value: '1'}],
          resourceRequirements: [
            {type: 'VCPU', value: '2'},
            {type: 'MEMORY', value: '8192'},
          ],
        },
        jobDefinition: DEF,
        jobName: 'train',
        jobQueue: QUEUE,
        propagateTags: true,
        retryStrategy: {attempts: 3},
        tags: {[RERUN_TAG]: ID, team: 'ml'},
        timeout: {attemptDurationSeconds: 3600},
      },
    })
  })

  test('each flag changes its part only', () => {
    const flags = {
      'array-size': '4',
      cpu: '0.50',
      env: ['A=2', 'B=3'],
      gpu: '1',
      memory: '32000',
      name: 'train-again',
      queue: 'gpu',
      retries: '0',
      tag: ['team=infra', 'try=2'],
      timeout: '2h',
    }
    const {submitJob} = planRerun({job: oldJob()}, changes(flags, ['python', 'eval.py']))
    expect(submitJob).toEqual({
      arrayProperties: {size: 4},
      containerOverrides: {
        command: ['python', 'eval.py'],
        environment: [
          {name: 'A', value: '2'},
          {name: 'B', value: '3'},
        ],
        resourceRequirements: [
          {type: 'VCPU', value: '0.5'},
          {type: 'GPU', value: '1'},
          {type: 'MEMORY', value: '32000'},
        ],
      },
      jobDefinition: DEF,
      jobName: 'train-again',
      jobQueue: 'gpu',
      propagateTags: true,
      retryStrategy: {attempts: 1},
      tags: {[RERUN_TAG]: ID, team: 'infra', try: '2'},
      timeout: {attemptDurationSeconds: 7200},
    })
  })

  test('--gpu 0 drops the GPU entry; an array job keeps its size', () => {
    const job = oldJob({arrayProperties: {size: 10, statusSummary: {FAILED: 10}}})
    job.container!.resourceRequirements!.push({type: 'GPU', value: '2'})
    const {submitJob} = planRerun({job}, changes({gpu: '0'}))
    expect(submitJob.arrayProperties).toEqual({size: 10})
    expect(submitJob.containerOverrides?.resourceRequirements).toEqual([
      {type: 'VCPU', value: '2'},
      {type: 'MEMORY', value: '8192'},
    ])
  })

  test('a multi-node job: node overrides with the main node’s container, the wrapper kept around a new command', () => {
    const wrapped = ['sh', '-c', 'RENDEZVOUS', 'mfbatch-node', 'torchrun', 'train.py']
    const job = oldJob({container: undefined, nodeProperties: {mainNode: 0, nodeRangeProperties: [], numNodes: 3}})
    const mainNode = {...oldJob().container, command: wrapped}
    const {submitJob} = planRerun({job, mainNode}, changes({}, ['torchrun', 'eval.py']))
    expect(submitJob.containerOverrides).toBeUndefined()
    expect(submitJob.nodeOverrides).toEqual({
      nodePropertyOverrides: [
        {
          containerOverrides: {
            command: ['sh', '-c', 'RENDEZVOUS', 'mfbatch-node', 'torchrun', 'eval.py'],
            environment: [{name: 'A', value: '1'}],
            resourceRequirements: [
              {type: 'VCPU', value: '2'},
              {type: 'MEMORY', value: '8192'},
            ],
          },
          targetNodes: '0:',
        },
      ],
      numNodes: 3,
    })
    expect(() => planRerun({job, mainNode}, changes({'array-size': '2'}))).toThrow(
      `--array-size: "2" is not allowed; job ${ID} is a multi-node job (3 nodes), and multi-node jobs cannot be array jobs`,
    )
  })

  test('a packaged command keeps its bootstrap; a plain one is replaced whole', () => {
    const packaged = ['sh', '-c', 'BOOT', 'mfbatch-bootstrap', 'python', 'a.py']
    expect(withUserCommand(packaged, ['python', 'b.py'])).toEqual([...packaged.slice(0, 4), 'python', 'b.py'])
    expect(withUserCommand(['sh', '-c', 'exit 3'], ['true'])).toEqual(['true'])
  })

  test('Fargate: only its vCPU/memory pairs, no GPU, no shared memory', () => {
    const job = oldJob({platformCapabilities: ['FARGATE']})
    job.container!.resourceRequirements = [
      {type: 'VCPU', value: '1'},
      {type: 'MEMORY', value: '2048'},
    ]
    expect(() => planRerun({job}, changes({memory: '32000'}))).toThrow(/^--memory: "32000" is not allowed; on Fargate/)
    expect(() => planRerun({job}, changes({gpu: '1'}))).toThrow(InputError)
    expect(() => planRerun({job}, changes({'shared-memory': '64'}))).toThrow(
      `--shared-memory: "64" is not allowed; EC2 only; job ${ID} ran on Fargate`,
    )
    expect(planRerun({job}, changes({memory: '4096'})).submitJob.containerOverrides?.resourceRequirements).toEqual([
      {type: 'VCPU', value: '1'},
      {type: 'MEMORY', value: '4096'},
    ])
    // Sizes as submit takes them.
    expect(planRerun({job}, changes({memory: '4GiB'})).submitJob.containerOverrides?.resourceRequirements).toEqual([
      {type: 'VCPU', value: '1'},
      {type: 'MEMORY', value: '4096'},
    ])
  })

  test('an array child is refused', () => {
    expect(() => planRerun({job: oldJob({arrayProperties: {index: 2}})}, changes())).toThrow(
      `job ${ID} is a child of an array job; rerun the array job itself`,
    )
  })
})

describe('rerun: a changed definition is the one submit would register', () => {
  test('--image on an mfbatch definition gives the name submit gives the same settings', () => {
    const settings = {image: {origin: {kind: 'flag' as const, label: '--image'}, value: 'python:3.11'}}
    const original = buildRequests(buildJobSpec(settings, ['true'], {platform: 'EC2'}), 'q').registerJobDefinition
    // As DescribeJobDefinitions answers: ARN, revision, status and the empty members AWS fills in.
    const described = {
      ...original,
      containerOrchestrationType: 'ECS',
      containerProperties: {...original.containerProperties, environment: [], mountPoints: [], volumes: []},
      jobDefinitionArn: `${DEF}`,
      parameters: {},
      revision: 1,
      status: 'ACTIVE',
      tags: {},
    } as JobDefinition
    const planned = planRerun({definition: described, job: oldJob()}, changes({image: 'python:3.12'}))
    const expected = buildRequests(
      buildJobSpec({image: {...settings.image, value: 'python:3.12'}}, ['true'], {platform: 'EC2'}),
      'q',
    ).registerJobDefinition
    expect(planned.registerJobDefinition).toEqual(expected)
    expect(planned.submitJob.jobDefinition).toBe(expected.jobDefinitionName)
    const {jobDefinitionName, ...content} = expected
    expect(jobDefinitionName).toBe(definitionName(content))
  })
})

describe('rerun: flags and the command line', () => {
  test.each([
    [
      {memory: '0'},
      '--memory: "0" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
    ],
    [{cpu: '-1'}, '--cpu: "-1" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)'],
    [{retries: '10'}, '--retries: "10" is not allowed; use a whole number from 0 to 9'],
    [{'array-size': '1'}, '--array-size: "1" is not allowed; use a whole number from 2 to 10000'],
    [{timeout: '30'}, '--timeout: "30" is not allowed; use seconds (at least 60) or a duration like 90m, 1h30m or 2d'],
    [{queue: 'a b'}, '--queue: "a b" is not allowed; use a job queue name or ARN'],
    [
      {name: '-x'},
      '--name: "-x" is not allowed; use up to 128 letters, digits, - and _, starting with a letter or digit',
    ],
    [{image: ''}, '--image: "" is not allowed; give a value'],
    [
      {'iam-role': 'role'},
      '--iam-role: "role" is not allowed; use an IAM role ARN like arn:aws:iam::123456789012:role/name',
    ],
  ])('%j is refused', (flags, message) => {
    expect(() => parseRerunChanges(flags, [])).toThrow(new InputError(message))
  })

  test('JOB, then the new command after --', () => {
    expect(commandAfterJob([ID, '--memory', '1', '--', 'echo', 'x'], [ID, 'echo', 'x'])).toEqual(['echo', 'x'])
    expect(commandAfterJob([ID], [ID])).toEqual([])
    expect(() => commandAfterJob([ID, 'echo'], [ID, 'echo'])).toThrow(InputError)
    expect(() => commandAfterJob([`${ID}#1`], [`${ID}#1`])).toThrow(`rerun ${ID} itself`)
    expect(() => commandAfterJob([ID, '--'], [ID])).toThrow('nothing after --; give the new command, or drop --')
  })
})
