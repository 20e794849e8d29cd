/**
 * AWS's own clients against the emulator's authentication: the AWS CLI v2 and boto3 work with the credentials of
 * `mfbatch emulator env` and are refused with a wrong secret; a URL boto3 presigns works until it expires and not
 * after; and inside a job, the AWS CLI and boto3 reach the emulator with the ECS-style credentials it hands out.
 */
import {execFile, execFileSync} from 'node:child_process'
import {get} from 'node:http'

import {removeStateDir, RUN, runCli, sealedHome, startEmulator, TestEmulator} from '../helpers/emulator'
import {requireBoto3} from './helpers/boto3'
import {registerPeerEmulator} from './helpers/credentials'

const AWS_V2 = '/usr/bin/aws'

function sh(script: string, env: Record<string, string>): Promise<{code: number; stderr: string; stdout: string}> {
  return new Promise((done) => {
    execFile('sh', ['-c', script], {env, timeout: 60_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr, stdout})
    })
  })
}

function status(url: string): Promise<number> {
  return new Promise((done, fail) => {
    get(url, {agent: false}, (res) => {
      res.resume()
      done(res.statusCode ?? 0)
    }).on('error', fail)
  })
}

const PRESIGN = `
import sys, boto3
api = boto3.client("batch", endpoint_url=sys.argv[1], region_name="us-east-1")
arn = api.describe_job_queues()["jobQueues"][0]["jobQueueArn"]
print(api.generate_presigned_url("list_tags_for_resource", Params={"resourceArn": arn}, ExpiresIn=int(sys.argv[2])))
`

describe('AWS clients and the emulator credentials', () => {
  let emulator: TestEmulator
  let base: Record<string, string>

  beforeAll(async () => {
    emulator = await startEmulator()
    registerPeerEmulator(emulator)
    const {PATH = ''} = process.env
    base = {
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      HOME: sealedHome(),
      PATH,
    }
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  const envLine = () => `eval "$(node ${RUN} emulator env --state-dir ${emulator.stateDir} --port ${emulator.port})"`

  test('the AWS CLI v2 works after eval "$(mfbatch emulator env)" and is refused with a wrong secret', async () => {
    const query = `${AWS_V2} batch describe-job-queues --endpoint-url "$AWS_ENDPOINT_URL" --query 'jobQueues[].jobQueueName' --output text`
    const ok = await sh(`${envLine()} && ${query}`, base)
    expect([ok.code, ok.stdout.trim().split(/\s+/).sort()]).toEqual([0, ['local', 'local-fargate']])
    const wrong = await sh(`${envLine()} && AWS_SECRET_ACCESS_KEY=wrong ${query}`, base)
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain('An error occurred (InvalidSignatureException) when calling the DescribeJobQueues')
    const logs = await sh(
      `${envLine()} && AWS_SECRET_ACCESS_KEY=wrong ${AWS_V2} logs describe-log-groups --endpoint-url "$AWS_ENDPOINT_URL"`,
      base,
    )
    expect(logs.stderr).toContain('An error occurred (InvalidSignatureException) when calling the DescribeLogGroups')
  })

  test('boto3 works with the same credentials and is refused with a wrong secret', async () => {
    const python = requireBoto3()
    const script =
      'import os, boto3\nfrom botocore.exceptions import ClientError\n' +
      'api = boto3.client("batch", endpoint_url=os.environ["AWS_ENDPOINT_URL"])\n' +
      'try:\n    print(len(api.describe_job_queues()["jobQueues"]))\n' +
      'except ClientError as e:\n    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])\n'
    const ok = await sh(`${envLine()} && ${python} -c '${script}'`, base)
    expect(ok.stdout.trim()).toBe('2')
    const wrong = await sh(`${envLine()} && AWS_SECRET_ACCESS_KEY=wrong ${python} -c '${script}'`, base)
    expect(wrong.stdout.trim()).toBe('InvalidSignatureException 403')
  })

  test('a URL boto3 presigns (GET ListTagsForResource) works until it expires, then is refused', async () => {
    const python = requireBoto3()
    const env = {...base, ...registerPeerEmulator(emulator)}
    const signedAt = Date.now()
    const url = execFileSync(python, ['-c', PRESIGN, emulator.url, '2'], {encoding: 'utf8', env}).trim()
    expect(url).toContain('X-Amz-Signature=')
    expect(await status(url)).toBe(200)
    // Polled until refused: it must not be refused before its two seconds are up.
    let refusedAt = 0
    while (refusedAt === 0 && Date.now() - signedAt < 10_000) {
      // eslint-disable-next-line no-await-in-loop -- a poll on a condition
      const code = await status(url)
      if (code === 403) refusedAt = Date.now()
      else expect(code).toBe(200)
    }

    // The signature's date has a one-second resolution, so the URL may lapse up to a second early.
    expect(refusedAt - signedAt).toBeGreaterThanOrEqual(1000)
    const withoutSignature = url.replace(/&X-Amz-Signature=[\da-f]+/, '')
    expect(await status(withoutSignature)).toBe(403)
  })

  test('inside a job, the AWS CLI v2 and boto3 reach the emulator with the credentials it hands the job', async () => {
    const python = requireBoto3()
    const script =
      `${AWS_V2} batch describe-job-queues --endpoint-url "$AWS_ENDPOINT_URL" --query 'jobQueues[0].jobQueueName' --output text; ` +
      `${python} -c 'import os, boto3; print(len(boto3.client("batch", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).describe_job_queues()["jobQueues"]))'`
    const submitted = await runCli(['submit', '--queue', 'local', '--wait', '--quiet', '--', 'sh', '-c', script], {
      env: emulator.env,
      timeoutMs: 90_000,
    })
    expect(submitted.code).toBe(0)
    const jobId = submitted.stdout.trim()
    const logs = await runCli(['logs', jobId], {env: emulator.env})
    expect(logs.stdout).toBe('local\n2\n')
  })
})
