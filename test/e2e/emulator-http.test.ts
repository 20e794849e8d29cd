/**
 * The emulator's HTTP front end, through the built `mfbatch emulator` on free ports: AWS-shaped answers to bad
 * requests (malformed JSON, unknown operations, missing credentials, wrong content types, huge bodies), errors as
 * the AWS SDK parses them, statistics, fault injection (throttling the SDK retries through, server errors, dropped
 * answers), a thousand concurrent requests, and the command's own start and stop.
 */
import {BatchClient, DescribeJobQueuesCommand, SubmitJobCommand} from '@aws-sdk/client-batch'
import {CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {spawn} from 'node:child_process'
import {Agent, request} from 'node:http'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {signedHeaders, type TestCredentials} from '../helpers/sign'

/** The credentials of the emulator at each URL, for signing raw requests to it. */
const keysOf = new Map<string, TestCredentials>()

async function startKnown(options?: Parameters<typeof startEmulator>[0]): Promise<TestEmulator> {
  const emulator = await startEmulator(options)
  keysOf.set(emulator.url, emulator.credentials)
  return emulator
}

interface Reply {
  body: unknown
  headers: Record<string, string | string[] | undefined>
  status: number
}

/** One HTTP request, signed with the emulator's credentials unless `authorization` is given ('' for none). */
function raw(
  url: string,
  options: {
    agent?: Agent
    authorization?: string
    body?: Buffer | string
    headers?: Record<string, string>
    method?: string
    path?: string
  },
): Promise<Reply> {
  const method = options.method ?? 'POST'
  const path = options.path ?? '/'
  const keys = keysOf.get(url)
  const sign = options.authorization === undefined && keys !== undefined
  return (
    sign ? signedHeaders(keys, url, {body: options.body, headers: options.headers, method, path}) : Promise.resolve({})
  ).then((signed) => send(url, options, {...options.headers, ...signed}))
}

function send(
  url: string,
  options: {agent?: Agent; authorization?: string; body?: Buffer | string; method?: string; path?: string},
  signed: Record<string, string>,
): Promise<Reply> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = {...signed}
    if (options.authorization) headers.authorization = options.authorization
    const req = request(
      `${url}${options.path ?? '/'}`,
      {agent: options.agent ?? false, headers, method: options.method ?? 'POST'},
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // Not JSON: keep the text.
          }

          done({body, headers: res.headers, status: res.statusCode ?? 0})
        })
      },
    )
    req.on('error', fail)
    req.end(options.body)
  })
}

const logsCall = (
  url: string,
  operation: string,
  body: string,
  extra: {authorization?: string; contentType?: string} = {},
) =>
  raw(url, {
    authorization: extra.authorization,
    body,
    headers: {
      'content-type': extra.contentType ?? 'application/x-amz-json-1.1',
      'x-amz-target': `Logs_20140328.${operation}`,
    },
  })

const batchCall = (
  url: string,
  path: string,
  body: string,
  extra: {authorization?: string; contentType?: string; method?: string} = {},
) =>
  raw(url, {
    authorization: extra.authorization,
    body,
    headers: {'content-type': extra.contentType ?? 'application/json'},
    method: extra.method,
    path,
  })

/** The parts of a reply every test compares: status, error type header, body. */
const shape = (reply: Reply) => ({body: reply.body, errorType: reply.headers['x-amzn-errortype'], status: reply.status})

async function sdkFailure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    const e = error as {$metadata?: {attempts?: number; httpStatusCode?: number}; message: string; name: string}
    return {attempts: e.$metadata?.attempts, message: e.message, name: e.name, status: e.$metadata?.httpStatusCode}
  }

  throw new Error('expected the call to fail')
}

/** Sends requests one after another, as fast as they go, until one is refused (the bucket is empty). */
async function firstRefused(send: () => Promise<Reply>): Promise<Reply> {
  for (let i = 0; i < 2000; i++) {
    // eslint-disable-next-line no-await-in-loop -- sequential on purpose: each request takes a token
    const reply = await send()
    if (reply.status !== 200) return reply
  }

  throw new Error('never throttled')
}

async function rawStats(url: string) {
  return (await raw(url, {method: 'GET', path: '/__emulator/stats'})).body as {
    calls: Record<string, number>
    faults: Record<string, number>
    keyIds: Record<string, number>
  }
}

describe('the emulator over HTTP', () => {
  let emulator: TestEmulator

  beforeAll(async () => {
    emulator = await startKnown()
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  beforeEach(async () => {
    await emulator.resetStats()
  })

  test('health answers without credentials; stats start empty', async () => {
    expect(shape(await raw(emulator.url, {authorization: '', method: 'GET', path: '/__emulator/health'}))).toEqual({
      body: {status: 'ok'},
      errorType: undefined,
      status: 200,
    })
    // The stats request itself claims the emulator's key.
    expect(await rawStats(emulator.url)).toEqual({
      calls: {},
      faults: {dropped: 0, fault5xx: 0, throttled: 0},
      keyIds: {[emulator.credentials.accessKeyId]: 1},
    })
  })

  test('stats count calls per operation, including failed ones, and reset clears them', async () => {
    await logsCall(emulator.url, 'DescribeLogGroups', '{}')
    await logsCall(emulator.url, 'DescribeLogGroups', '{}')
    await logsCall(emulator.url, 'GetLogEvents', '{"logGroupName":"none","logStreamName":"s"}')
    await batchCall(emulator.url, '/v1/describejobqueues', '{}')
    expect(await emulator.stats()).toEqual({
      'batch:DescribeJobQueues': 1,
      'logs:DescribeLogGroups': 2,
      'logs:GetLogEvents': 1,
    })
    await emulator.resetStats()
    expect(await emulator.stats()).toEqual({})
  })

  test('answers carry a request id and the protocol content type', async () => {
    const logs = await logsCall(emulator.url, 'DescribeLogGroups', '{}')
    const batch = await batchCall(emulator.url, '/v1/describejobqueues', '{}')
    expect([logs.headers['content-type'], batch.headers['content-type']]).toEqual([
      'application/x-amz-json-1.1',
      'application/json',
    ])
    expect(logs.headers['x-amzn-requestid']).toMatch(/^[\da-f-]{36}$/)
  })

  test('malformed JSON: SerializationException, 400', async () => {
    expect(shape(await logsCall(emulator.url, 'DescribeLogGroups', '{"limit": '))).toEqual({
      body: {__type: 'SerializationException', message: 'Request body is not valid JSON'},
      errorType: 'SerializationException',
      status: 400,
    })
    expect(shape(await batchCall(emulator.url, '/v1/submitjob', '[1, 2]'))).toEqual({
      body: {__type: 'SerializationException', message: 'Request body must be a JSON object'},
      errorType: 'SerializationException',
      status: 400,
    })
  })

  test('unknown operations: Logs 400, Batch 404, both UnknownOperationException', async () => {
    expect(shape(await logsCall(emulator.url, 'MakeCoffee', '{}'))).toEqual({
      body: {__type: 'UnknownOperationException', message: 'Unknown operation Logs_20140328.MakeCoffee'},
      errorType: 'UnknownOperationException',
      status: 400,
    })
    expect(shape(await batchCall(emulator.url, '/v1/makecoffee', '{}'))).toEqual({
      body: {__type: 'UnknownOperationException', message: 'Unknown operation POST /v1/makecoffee'},
      errorType: 'UnknownOperationException',
      status: 404,
    })
  })

  test('an operation of the model the emulator does not implement says so', async () => {
    expect(shape(await logsCall(emulator.url, 'StartQuery', '{"startTime":1,"endTime":2,"queryString":"x"}'))).toEqual({
      body: {__type: 'UnknownOperationException', message: 'The mfbatch emulator does not implement StartQuery'},
      errorType: 'UnknownOperationException',
      status: 400,
    })
  })

  test('no credentials: refused before anything else, as AWS does', async () => {
    expect(shape(await logsCall(emulator.url, 'DescribeLogGroups', '{}', {authorization: ''}))).toEqual({
      body: {__type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token'},
      errorType: 'MissingAuthenticationTokenException',
      status: 400,
    })
    expect(shape(await batchCall(emulator.url, '/v1/describejobqueues', '{}', {authorization: ''}))).toEqual({
      body: {__type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token'},
      errorType: 'MissingAuthenticationTokenException',
      status: 403,
    })
    expect(shape(await logsCall(emulator.url, 'DescribeLogGroups', '{}', {authorization: 'Bearer x'}))).toEqual({
      body: {
        __type: 'IncompleteSignatureException',
        message: 'Authorization header must use the AWS4-HMAC-SHA256 algorithm (Signature Version 4)',
      },
      errorType: 'IncompleteSignatureException',
      status: 400,
    })
    expect(await emulator.stats()).toEqual({})
  })

  test('a wrong content type: 415', async () => {
    expect(shape(await logsCall(emulator.url, 'DescribeLogGroups', '{}', {contentType: 'text/plain'}))).toEqual({
      body: {
        __type: 'UnsupportedMediaTypeException',
        message: 'Content-Type text/plain is not supported; use application/x-amz-json-1.1',
      },
      errorType: 'UnsupportedMediaTypeException',
      status: 415,
    })
  })

  test('a body over 10 MB: 413, and the emulator keeps answering', async () => {
    const huge = Buffer.alloc(11 * 1024 * 1024, 'a')
    expect(shape(await logsCall(emulator.url, 'PutLogEvents', huge.toString()))).toEqual({
      body: {__type: 'RequestEntityTooLargeException', message: 'Request body too large'},
      errorType: 'RequestEntityTooLargeException',
      status: 413,
    })
    expect((await logsCall(emulator.url, 'DescribeLogGroups', '{}')).status).toBe(200)
  })

  test('Batch REST paths with labels and query strings route to their operations', async () => {
    const arn = 'arn:aws:batch:us-east-1:000000000000:job-queue/local'
    const path = `/v1/tags/${encodeURIComponent(arn)}`
    expect((await batchCall(emulator.url, path, '{"tags":{"team":"a","x":"y"}}')).status).toBe(200)
    await batchCall(emulator.url, `${path}?tagKeys=x`, '', {method: 'DELETE'})
    expect(shape(await batchCall(emulator.url, path, '', {method: 'GET'}))).toEqual({
      body: {tags: {team: 'a'}},
      errorType: undefined,
      status: 200,
    })
    expect(await emulator.stats()).toEqual({
      'batch:ListTagsForResource': 1,
      'batch:TagResource': 1,
      'batch:UntagResource': 1,
    })
  })

  test('errors as the AWS SDK parses them: name, HTTP status, message', async () => {
    const batch = new BatchClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      maxAttempts: 1,
      region: 'us-east-1',
    })
    const logs = new CloudWatchLogsClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      maxAttempts: 1,
      region: 'us-east-1',
    })
    try {
      // The SDK does no validation of its own: the emulator answers as AWS would.
      expect(await sdkFailure(batch.send(new SubmitJobCommand({jobName: 'j'} as never)))).toEqual({
        attempts: 1,
        message:
          '2 validation errors detected: ' +
          "Value null at 'jobQueue' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'jobDefinition' failed to satisfy constraint: Member must not be null",
        name: 'ClientException',
        status: 400,
      })
      expect(await sdkFailure(logs.send(new DescribeLogGroupsCommand({limit: 51})))).toEqual({
        attempts: 1,
        message:
          "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: " +
          'Member must have value less than or equal to 50',
        name: 'InvalidParameterException',
        status: 400,
      })
    } finally {
      batch.destroy()
      logs.destroy()
    }
  })

  test('1,000 concurrent requests on 1,000 connections are all answered', async () => {
    const agent = new Agent({keepAlive: true, maxSockets: 1000})
    try {
      const replies = await Promise.all(
        Array.from({length: 1000}, (_, i) =>
          raw(emulator.url, {
            agent,
            body: i % 2 ? '{}' : '{"limit": 5}',
            headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups'},
          }),
        ),
      )
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1000)
      expect(await emulator.stats()).toEqual({'logs:DescribeLogGroups': 1000})
    } finally {
      agent.destroy()
    }
  })
})

describe('fault injection', () => {
  const started: TestEmulator[] = []
  const start = async (args: string[], stateDir?: string) => {
    const emulator = await startKnown({args, stateDir})
    started.push(emulator)
    return emulator
  }

  afterAll(async () => {
    await Promise.all(started.map((e) => e.stop()))
    for (const dir of new Set(started.map((e) => e.stateDir))) removeStateDir(dir)
  })

  test('throttling: over the rate, Batch answers 429 and Logs 400 ThrottlingException', async () => {
    const emulator = await start(['--throttle-rps', '50'])
    expect(shape(await firstRefused(() => batchCall(emulator.url, '/v1/describejobqueues', '{}')))).toEqual({
      body: {__type: 'TooManyRequestsException', message: 'Too Many Requests'},
      errorType: 'TooManyRequestsException',
      status: 429,
    })
    expect(shape(await firstRefused(() => logsCall(emulator.url, 'DescribeLogGroups', '{}')))).toEqual({
      body: {__type: 'ThrottlingException', message: 'Rate exceeded'},
      errorType: 'ThrottlingException',
      status: 400,
    })
  })

  test('throttling: the SDK retries by itself (default maxAttempts) and every call gets through', async () => {
    const emulator = await start(['--throttle-rps', '50'])
    const batch = new BatchClient({credentials: emulator.credentials, endpoint: emulator.url, region: 'us-east-1'})
    const logs = new CloudWatchLogsClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      region: 'us-east-1',
    })
    try {
      // Calls one after another outrun 50 a second; keep going until a call of each client needed a retry.
      // A retry waits up to 1 s and a token comes back every 20 ms, so the retries get through.
      for (const send of [
        () => batch.send(new DescribeJobQueuesCommand({})),
        () => logs.send(new DescribeLogGroupsCommand({})),
      ]) {
        let retried = 0
        for (let i = 0; i < 2000 && retried < 1; i++) {
          // eslint-disable-next-line no-await-in-loop -- sequential on purpose
          const output = await send()
          if ((output.$metadata.attempts ?? 1) > 1) retried++
        }

        expect(retried).toBe(1)
      }

      const {calls, faults} = await rawStats(emulator.url)
      expect(faults.throttled).toBeGreaterThanOrEqual(2)
      // Every throttled attempt is a call too: the SDK's retries show in the counts.
      expect(faults.throttled).toBeLessThan(calls['batch:DescribeJobQueues'] + calls['logs:DescribeLogGroups'])
    } finally {
      batch.destroy()
      logs.destroy()
    }
  })

  test('--fault-5xx 1: every call is a 500 before any work; the SDK tries three times by default', async () => {
    const emulator = await start(['--fault-5xx', '1'])
    const once = {credentials: emulator.credentials, endpoint: emulator.url, maxAttempts: 1, region: 'us-east-1'}
    const batch = new BatchClient(once)
    const logs = new CloudWatchLogsClient(once)
    const retrying = new CloudWatchLogsClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      region: 'us-east-1',
    })
    try {
      expect(await sdkFailure(batch.send(new DescribeJobQueuesCommand({})))).toEqual({
        attempts: 1,
        message: 'Injected server error',
        name: 'ServerException',
        status: 500,
      })
      expect(await sdkFailure(logs.send(new CreateLogGroupCommand({logGroupName: 'never'})))).toEqual({
        attempts: 1,
        message: 'Injected server error',
        name: 'ServiceUnavailableException',
        status: 500,
      })
      await emulator.resetStats()
      expect((await sdkFailure(retrying.send(new DescribeLogGroupsCommand({})))).attempts).toBe(3)
      expect(await rawStats(emulator.url)).toEqual({
        calls: {'logs:DescribeLogGroups': 3},
        faults: {dropped: 0, fault5xx: 3, throttled: 0},
        // Three tries and the stats request, all signed with the emulator's key.
        keyIds: {[emulator.credentials.accessKeyId]: 4},
      })
    } finally {
      batch.destroy()
      logs.destroy()
      retrying.destroy()
    }
  })

  test('--fault-drop 1: the work is done but the answer never comes', async () => {
    const emulator = await start(['--fault-drop', '1'])
    const logs = new CloudWatchLogsClient({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      maxAttempts: 1,
      region: 'us-east-1',
    })
    try {
      const failed = await sdkFailure(logs.send(new CreateLogGroupCommand({logGroupName: 'dropped'})))
      expect([failed.name, failed.status]).toEqual(['Error', undefined])
      expect(failed.message).toMatch(/socket hang up|ECONNRESET/)
    } finally {
      logs.destroy()
    }

    // Restarted without faults on the same state: the group was created.
    await emulator.stop()
    const clean = await start([], emulator.stateDir)
    const check = new CloudWatchLogsClient({credentials: clean.credentials, endpoint: clean.url, region: 'us-east-1'})
    try {
      const groups = await check.send(new DescribeLogGroupsCommand({}))
      expect(groups.logGroups!.map((g) => g.logGroupName)).toEqual(['dropped'])
    } finally {
      check.destroy()
    }
  })
})

describe('mfbatch emulator', () => {
  test('a non-loopback --host without --allow-remote is bad usage (exit 2)', async () => {
    expect(await runCli(['emulator', '--host', '0.0.0.0', '--port', '0'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: --host: "0.0.0.0" is not allowed; use a loopback address, or add --allow-remote (the emulator runs commands)\n',
      stdout: '',
    })
  })

  test('a rate outside 0..1 is bad usage (exit 2)', async () => {
    const result = await runCli(['emulator', '--fault-5xx', '2'])
    expect([result.code, result.stdout]).toEqual([2, ''])
    expect(result.stderr).toContain('--fault-5xx: "2" is not allowed; use a number from 0 to 1')
  })

  test('prints exactly one line on stdout, and SIGINT stops it with exit 0', async () => {
    const emulator = await startKnown()
    await emulator.stop()
    removeStateDir(emulator.stateDir)
    const child = spawn(process.execPath, [RUN, 'emulator', '--port', '0', '--state-dir', emulator.stateDir], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    await new Promise<void>((done) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        if (stdout.includes('\n')) done()
      })
    })
    const code = new Promise((done) => {
      child.once('exit', (exitCode) => done(exitCode))
    })
    child.kill('SIGINT')
    expect(await code).toBe(0)
    expect(stdout).toMatch(
      new RegExp(`^mfbatch emulator listening on http://127\\.0\\.0\\.1:\\d+ \\(state: ${emulator.stateDir}\\)\\n$`),
    )
    // What it enforces on this machine, said once at start (README: what a local run predicts), then the stop.
    expect(stderr).toMatch(
      /^mfbatch emulator: limits: .+\n(?:mfbatch emulator: no cgroup .+\n)?mfbatch emulator: GPUs: .+\nmfbatch emulator: runtime: process\nmfbatch emulator: stopping\nmfbatch emulator: stopped, which was running no job\n$/,
    )
    removeStateDir(emulator.stateDir)
  })
})
