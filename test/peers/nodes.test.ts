/**
 * Multi-node parallel jobs through AWS's own clients: the AWS CLI v2 and boto3 each register a multinode job
 * definition, submit it with node overrides, and describe the node `ID#1`, whose nodeDetails say which node it is.
 * Their own request validation (botocore's model) must accept what the emulator takes, and their parsers what it
 * answers.
 */
import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {awsJson, requireAwsCli} from './helpers/aws-cli'
import {boto3Call, requireBoto3} from './helpers/boto3'
import {registerPeerEmulator} from './helpers/credentials'

let emulator: TestEmulator

interface NodeJob {
  jobId: string
  nodeDetails?: {isMainNode?: boolean; nodeIndex?: number}
  nodeProperties?: {mainNode?: number; numNodes?: number}
  status: string
}

const definition = (name: string) => ({
  jobDefinitionName: name,
  nodeProperties: {
    mainNode: 0,
    nodeRangeProperties: [
      {
        container: {
          command: ['true'],
          image: 'python:3.11',
          resourceRequirements: [
            {type: 'VCPU', value: '8'},
            {type: 'MEMORY', value: '512'},
          ],
        },
        targetNodes: '0:',
      },
    ],
    numNodes: 3,
  },
  type: 'multinode',
})

const submission = (name: string) => ({
  jobDefinition: name,
  jobName: name,
  jobQueue: 'local',
  // 8 vCPUs a node on a 4-vCPU emulator: the job stays RUNNABLE, so what is listed does not move.
  nodeOverrides: {
    nodePropertyOverrides: [{containerOverrides: {command: ['sh', '-c', 'sleep 1']}, targetNodes: '0:'}],
    numNodes: 2,
  },
})

const cli = <T>(...args: string[]) => awsJson<T>(emulator.url, args)
const call = <T>(operation: string, params: Record<string, unknown>) =>
  boto3Call<T>(emulator.url, 'batch', operation, params)

beforeAll(async () => {
  requireAwsCli()
  requireBoto3()
  emulator = await startEmulator({args: ['--vcpus', '4']})
  registerPeerEmulator(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('multi-node jobs through AWS clients', () => {
  test('AWS CLI v2: register-job-definition multinode, submit-job, describe-jobs --jobs ID#1', async () => {
    const registered = await cli<{jobDefinitionName: string}>(
      'batch',
      'register-job-definition',
      '--cli-input-json',
      JSON.stringify(definition('peer-cli-nodes')),
    )
    expect(registered.jobDefinitionName).toBe('peer-cli-nodes')
    const {jobId} = await cli<{jobId: string}>(
      'batch',
      'submit-job',
      '--cli-input-json',
      JSON.stringify(submission('peer-cli-nodes')),
    )
    const {jobs} = await cli<{jobs: NodeJob[]}>('batch', 'describe-jobs', '--jobs', `${jobId}#1`, jobId)
    expect(jobs.map((job) => [job.jobId, job.nodeDetails, job.nodeProperties?.numNodes])).toEqual([
      [`${jobId}#1`, {isMainNode: false, nodeIndex: 1}, undefined],
      [jobId, undefined, 2],
    ])
    const deadline = Date.now() + 30_000
    let listed: string[] = []
    while (listed.length < 2 && Date.now() < deadline) {
      // eslint-disable-next-line no-await-in-loop -- a poll: the nodes reach RUNNABLE on the emulator's next tick
      const page = await cli<{jobSummaryList: Array<{jobId: string}>}>(
        'batch',
        'list-jobs',
        '--multi-node-job-id',
        jobId,
        '--job-status',
        'RUNNABLE',
      )
      listed = page.jobSummaryList.map((job) => job.jobId).sort()
    }

    expect(listed).toEqual([`${jobId}#0`, `${jobId}#1`])
  })

  test('boto3: register_job_definition multinode, submit_job, describe_jobs ID#1', async () => {
    await call('register_job_definition', definition('peer-boto3-nodes'))
    const {jobId} = await call<{jobId: string}>('submit_job', submission('peer-boto3-nodes'))
    const {jobs} = await call<{jobs: NodeJob[]}>('describe_jobs', {jobs: [`${jobId}#1`, `${jobId}#0`]})
    expect(jobs.map((job) => [job.jobId, job.nodeDetails])).toEqual([
      [`${jobId}#1`, {isMainNode: false, nodeIndex: 1}],
      [`${jobId}#0`, {isMainNode: true, nodeIndex: 0}],
    ])
  })
})
