/**
 * The newer Batch operations through boto3: GetJobQueueSnapshot, TerminateJobs and CancelJobs. The AWS CLI v2 2.9
 * and Debian's boto3 1.26 (what CI installs) have none of them, and boto3 1.43.11 only the snapshot, so botocore is
 * given the models the emulator validates against (vendor/botocore: botocore 1.43.67's Batch model with
 * additions.json merged in) through AWS_DATA_PATH, botocore's own way to load newer models: the requests are still
 * built by botocore from the model, signed and sent as boto3 sends them.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {removeStateDir, ROOT, startEmulator, type TestEmulator} from '../helpers/emulator'
import {boto3, boto3Call, requireBoto3} from './helpers/boto3'
import {registerPeerEmulator} from './helpers/credentials'
import {definitionInput, type JobDetail, TERMINAL} from './helpers/shapes'

const DEFINITION = 'peer-boto3-queue-ops'
let emulator: TestEmulator
let dataPath: string
let before: string | undefined

/** botocore's data folder layout: <path>/batch/2016-08-10/service-2.json. */
function writeModels(): string {
  const vendor = join(ROOT, 'vendor', 'botocore', 'batch', '2016-08-10')
  const model = JSON.parse(gunzipSync(readFileSync(join(vendor, 'service-2.json.gz'))).toString('utf8'))
  const additions = JSON.parse(readFileSync(join(vendor, 'additions.json'), 'utf8'))
  model.operations = {...additions.operations, ...model.operations}
  model.shapes = {...additions.shapes, ...model.shapes}
  const root = mkdtempSync(join(tmpdir(), 'mfbatch-peer-models-'))
  mkdirSync(join(root, 'batch', '2016-08-10'), {recursive: true})
  writeFileSync(join(root, 'batch', '2016-08-10', 'service-2.json'), JSON.stringify(model))
  return root
}

async function submit(jobName: string, vcpus: string, command: string[]): Promise<string> {
  const params = {
    containerOverrides: {command, resourceRequirements: [{type: 'VCPU', value: vcpus}]},
    jobDefinition: DEFINITION,
    jobName,
    jobQueue: 'local',
  }
  return (await boto3Call<{jobId: string}>(emulator.url, 'batch', 'submit_job', params)).jobId
}

async function waitFor(jobId: string, statuses: string[]): Promise<JobDetail> {
  const out = await boto3<{job: JobDetail; timedOut?: boolean}>(emulator.url, 'wait', {jobId, statuses, timeout: 30})
  if (out.timedOut) throw new Error(`job ${jobId} still ${out.job?.status}`)
  return out.job
}

describe('boto3 with the vendored Batch model: the queue snapshot and bulk stops', () => {
  beforeAll(async () => {
    requireBoto3()
    dataPath = writeModels()
    before = process.env.AWS_DATA_PATH
    process.env.AWS_DATA_PATH = dataPath
    emulator = await startEmulator({args: ['--vcpus', '2']})
    registerPeerEmulator(emulator)
    await boto3Call(emulator.url, 'batch', 'register_job_definition', definitionInput(DEFINITION))
  })

  afterAll(async () => {
    if (before === undefined) delete process.env.AWS_DATA_PATH
    else process.env.AWS_DATA_PATH = before
    rmSync(dataPath, {force: true, recursive: true})
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('get_job_queue_snapshot: the RUNNABLE jobs in the order they will run', async () => {
    const blocker = await submit('peer-line-blocker', '2', ['sleep', '600'])
    await waitFor(blocker, ['RUNNING'])
    const line: string[] = []
    for (let i = 0; i < 3; i++) {
      // eslint-disable-next-line no-await-in-loop -- the order of submission is the order of the line
      line.push(await submit(`peer-line-${i}`, '1', ['true']))
    }

    await Promise.all(line.map((id) => waitFor(id, ['RUNNABLE'])))
    const snapshot = await boto3Call<{frontOfQueue: {jobs: Array<{jobArn: string}>}}>(
      emulator.url,
      'batch',
      'get_job_queue_snapshot',
      {jobQueue: 'local'},
    )
    expect(snapshot.frontOfQueue.jobs.map((job) => job.jobArn.split('/').pop())).toEqual(line)

    // terminate_jobs: every job in `successful`, none in `errors`; each ends FAILED with the reason.
    const reason = 'peer test: bulk'
    const answer = await boto3Call<{errors: unknown[]; successful: string[]}>(emulator.url, 'batch', 'terminate_jobs', {
      jobs: [blocker, ...line],
      reason,
    })
    expect(answer).toEqual({errors: [], successful: [blocker, ...line]})
    const ended = await Promise.all([blocker, ...line].map((id) => waitFor(id, TERMINAL)))
    expect(ended.map((job) => [job.status, job.statusReason])).toEqual(
      Array.from({length: 4}, () => ['FAILED', reason]),
    )
  })

  test('cancel_jobs cancels waiting jobs; 51 ids are refused with a 400 ClientException', async () => {
    const blocker = await submit('peer-cancel-blocker', '2', ['sleep', '600'])
    await waitFor(blocker, ['RUNNING'])
    const waiting = await submit('peer-cancel-waiting', '1', ['true'])
    await waitFor(waiting, ['RUNNABLE'])
    const answer = await boto3Call<{errors: unknown[]; successful: string[]}>(emulator.url, 'batch', 'cancel_jobs', {
      jobs: [waiting],
      reason: 'peer test: cancel',
    })
    expect(answer).toEqual({errors: [], successful: [waiting]})
    const cancelled = await waitFor(waiting, TERMINAL)
    expect([cancelled.status, cancelled.statusReason]).toEqual(['FAILED', 'peer test: cancel'])
    const tooMany = await boto3<{error?: {code: string; status: number}}>(emulator.url, 'call', {
      operation: 'terminate_jobs',
      params: {jobs: Array.from({length: 51}, () => blocker), reason: 'r'},
      service: 'batch',
    })
    expect([tooMany.error?.status, tooMany.error?.code]).toEqual([400, 'ClientException'])
    await boto3Call(emulator.url, 'batch', 'terminate_job', {jobId: blocker, reason: 'peer test: done'})
  })
})
