/**
 * A job sees what an ECS task sees: AWS_EXECUTION_ENV by platform, and a task metadata endpoint (v4) that answers
 * its own container and task, with the log group and stream `logs` reads, while it runs and never after. And
 * `emulator env --metaflow` prints the lines that point Metaflow at the emulator, whose datastore bucket exists.
 * The built CLI against a real emulator; the job reads the endpoint with python3's urllib, as SDKs do (no header).
 */
import {HeadBucketCommand, S3Client} from '@aws-sdk/client-s3'
import {request} from 'node:http'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

/** What the job prints: its AWS_EXECUTION_ENV and what its metadata endpoint says, as one JSON line, then the URI. */
const READ_METADATA = `
import json, os, urllib.request
uri = os.environ["ECS_CONTAINER_METADATA_URI_V4"]
get = lambda u: json.load(urllib.request.urlopen(u))
container, task = get(uri), get(uri + "/task")
print(json.dumps({
    "executionEnv": os.environ["AWS_EXECUTION_ENV"],
    "v3SameAsV4": os.environ["ECS_CONTAINER_METADATA_URI"] == uri,
    "logDriver": container["LogDriver"],
    "logOptions": container["LogOptions"],
    "limits": container["Limits"],
    "knownStatus": container["KnownStatus"],
    "name": container["Name"],
    "dockerId": len(container["DockerId"]),
    "taskArnLabel": container["Labels"]["com.amazonaws.ecs.task-arn"] == task["TaskARN"],
    "taskArn": task["TaskARN"].split("/")[0],
    "launchType": task["LaunchType"],
    "taskLimits": task["Limits"],
    "containers": [c["DockerId"] for c in task["Containers"]] == [container["DockerId"]],
}, sort_keys=True))
print(uri)
`

function get(url: string): Promise<number> {
  return new Promise((done, fail) => {
    request(url, {agent: false}, (res) => {
      res.resume()
      done(res.statusCode!)
    })
      .on('error', fail)
      .end()
  })
}

describe('a job sees what an ECS task sees', () => {
  let emulator: TestEmulator

  beforeAll(async () => {
    emulator = await startEmulator()
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  const cases = [
    {executionEnv: 'AWS_ECS_EC2', flags: ['--queue', 'local', '--cpu', '2', '--memory', '512'], platform: 'EC2'},
    {
      executionEnv: 'AWS_ECS_FARGATE',
      flags: ['--queue', 'local-fargate', '--execution-role', 'arn:aws:iam::000000000000:role/x', '--memory', '2048'],
      platform: 'FARGATE',
    },
  ]
  test.each(cases)(
    'on $platform: AWS_EXECUTION_ENV, and its own log stream from the metadata endpoint, until it ends',
    async ({executionEnv, flags, platform}) => {
      const submitted = await runCli(
        [
          'submit',
          ...flags,
          '--wait',
          '--quiet',
          '--env',
          `READ=${READ_METADATA}`,
          '--',
          'sh',
          '-c',
          'python3 -c "$READ"',
        ],
        {env: emulator.env},
      )
      expect(submitted.code).toBe(0)
      const jobId = submitted.stdout.trim()
      const logs = await runCli(['logs', jobId, '--json'], {env: emulator.env})
      expect(logs.code).toBe(0)
      const events = logs.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as {message: string; stream: string})
      expect(events).toHaveLength(2)
      const [seen, uri] = events.map((event) => event.message)
      const {stream} = events[0]
      const memory = platform === 'EC2' ? 512 : 2048
      const vcpus = platform === 'EC2' ? 2 : 1
      expect(JSON.parse(seen)).toEqual({
        containers: true,
        dockerId: 64,
        executionEnv,
        knownStatus: 'RUNNING',
        launchType: platform,
        limits: {CPU: vcpus * 1024, Memory: memory},
        logDriver: 'awslogs',
        logOptions: {'awslogs-group': '/aws/batch/job', 'awslogs-region': 'us-east-1', 'awslogs-stream': stream},
        name: 'default',
        taskArn: 'arn:aws:ecs:us-east-1:000000000000:task',
        taskArnLabel: true,
        taskLimits: {CPU: vcpus, Memory: memory},
        v3SameAsV4: true,
      })
      expect(uri.startsWith(`${emulator.url}/__emulator/task-metadata/`)).toBe(true)
      // The attempt has ended: its URI answers nothing, as a stopped task's agent does.
      expect(await get(uri)).toBe(404)
      expect(await get(`${uri}/task`)).toBe(404)
    },
    60_000,
  )
})

describe('emulator env --metaflow', () => {
  let emulator: TestEmulator

  beforeAll(async () => {
    emulator = await startEmulator()
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('adds the METAFLOW_* lines after the AWS ones; the datastore bucket exists', async () => {
    const args = ['emulator', 'env', '--metaflow', '--state-dir', emulator.stateDir, '--port', String(emulator.port)]
    const run = await runCli(args)
    expect(run.code).toBe(0)
    const {accessKeyId, secretAccessKey} = emulator.credentials
    expect(run.stdout).toBe(
      [
        `export AWS_ENDPOINT_URL='${emulator.url}'`,
        `export AWS_ACCESS_KEY_ID='${accessKeyId}'`,
        `export AWS_SECRET_ACCESS_KEY='${secretAccessKey}'`,
        "export AWS_REGION='us-east-1'",
        "export AWS_DEFAULT_REGION='us-east-1'",
        'unset AWS_SESSION_TOKEN AWS_PROFILE',
        "export METAFLOW_BATCH_JOB_QUEUE='local'",
        "export METAFLOW_DATASTORE_SYSROOT_S3='s3://mfbatch-metaflow/metaflow'",
        "export METAFLOW_DEFAULT_DATASTORE='s3'",
        "export METAFLOW_DEFAULT_METADATA='local'",
        "export METAFLOW_ECS_FARGATE_EXECUTION_ROLE='arn:aws:iam::000000000000:role/mfbatch-emulator-execution'",
        "export METAFLOW_ECS_S3_ACCESS_IAM_ROLE='arn:aws:iam::000000000000:role/mfbatch-emulator-job'",
        `export METAFLOW_S3_ENDPOINT_URL='${emulator.url}'`,
        '',
      ].join('\n'),
    )
    expect(run.stderr).toBe('')
    const json = await runCli([...args, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({
      METAFLOW_DATASTORE_SYSROOT_S3: 's3://mfbatch-metaflow/metaflow',
      METAFLOW_S3_ENDPOINT_URL: emulator.url,
    })
    const s3 = new S3Client({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      forcePathStyle: true,
      region: 'us-east-1',
    })
    const head = await s3.send(new HeadBucketCommand({Bucket: 'mfbatch-metaflow'}))
    expect(head.$metadata.httpStatusCode).toBe(200)
    s3.destroy()
  })
})
