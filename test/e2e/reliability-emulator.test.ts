/**
 * Reliability 7, the emulator holds. (emulator-http.test.ts covers malformed JSON, a wrong Logs content type, a body
 * over 10 MB, unknown operations, 1,000 concurrent reads and the refusal of a non-loopback --host.) Here: more
 * hostile requests, each answered with an AWS-shaped 4xx while the emulator keeps serving; 1,000 concurrent
 * requests that write as well as read; `kill -9` in the middle of heavy writes (submits from several clients and a
 * job printing as fast as it can), three times over, after which the state dir loads with every job whose SubmitJob
 * was answered 200 and a log that is an unbroken prefix of what the job printed; and `--allow-remote`'s warning.
 */
import {CloudWatchLogsClient, GetLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {Agent, request} from 'node:http'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, removeStateDir, RUN, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {pause} from '../helpers/running'
import {signedHeaders, type TestCredentials} from '../helpers/sign'

/** The credentials of the emulator at each URL, for signing raw requests to it. */
const keysOf = new Map<string, TestCredentials>()
const JSON_TYPE = {'content-type': 'application/json'}
const logsTarget = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `Logs_20140328.${operation}`,
})

interface Reply {
  body: string
  errorType?: string
  status: number
}

/** One request; resolves with the answer, or rejects when the connection fails. */
function call(
  url: string,
  path: string,
  {
    agent,
    body,
    headers = {},
    method = 'POST',
  }: {agent?: Agent; body?: Buffer | string; headers?: Record<string, string>; method?: string},
): Promise<Reply> {
  const keys = keysOf.get(url)
  return (keys ? signedHeaders(keys, url, {body, headers, method, path}) : Promise.resolve(headers)).then((signed) =>
    send(url, path, {agent, body, headers: {...headers, ...signed}, method}),
  )
}

function send(
  url: string,
  path: string,
  {
    agent,
    body,
    headers,
    method,
  }: {agent?: Agent; body?: Buffer | string; headers: Record<string, string>; method: string},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {agent: agent ?? false, headers, method}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          body: Buffer.concat(chunks).toString('utf8'),
          errorType: res.headers['x-amzn-errortype'] as string | undefined,
          status: res.statusCode ?? 0,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Bytes straight onto a socket; resolves with whatever comes back before the server closes. */
function rawBytes(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk
    })
    socket.on('close', () => resolve(answer))
    socket.on('error', () => resolve(answer))
    socket.end(bytes)
  })
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

/** Submits each kill -9 round must have had answered 200 before the kill. */
const MIN_ACKNOWLEDGED = 20

/** Resolves once `ready()` holds, or after `ms` (the caller's assertions then say what was missing). */
async function waitUntil(ready: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (!ready() && Date.now() < until) {
    // eslint-disable-next-line no-await-in-loop -- polling a condition other promises change
    await pause(50)
  }
}

const started: TestEmulator[] = []
async function start(args: string[], stateDir?: string): Promise<TestEmulator> {
  const emulator = await startEmulator({args, stateDir})
  keysOf.set(emulator.url, emulator.credentials)
  started.push(emulator)
  return emulator
}

afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()))
  for (const dir of new Set(started.map((e) => e.stateDir))) removeStateDir(dir)
})

async function registerDefinition(url: string, command: string[]): Promise<string> {
  const reply = await call(url, '/v1/registerjobdefinition', {
    body: JSON.stringify({
      containerProperties: {
        command,
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '64'},
        ],
      },
      jobDefinitionName: `def-${command.length}-${Date.now()}`,
      type: 'container',
    }),
    headers: JSON_TYPE,
  })
  return JSON.parse(reply.body).jobDefinitionArn
}

const submitBody = (definition: string, name: string, vcpus = 64) =>
  JSON.stringify({
    containerOverrides: {resourceRequirements: [{type: 'VCPU', value: String(vcpus)}]},
    jobDefinition: definition,
    jobName: name,
    jobQueue: 'local',
  })

/**
 * The printer job's log, attempt after attempt: how many lines the last attempt kept, and the first line that is
 * not the next number (a torn or doubled line), if any.
 */
async function readPrinterLog(
  url: string,
  attempts: Array<{container: {logStreamName: string}}>,
): Promise<{broken: string; lines: number}> {
  const logs = new CloudWatchLogsClient({
    credentials: keysOf.get(url),
    endpoint: url,
    region: 'us-east-1',
  })
  let lines = 0
  let broken = ''
  try {
    for (const attempt of attempts) {
      lines = 0
      let nextToken: string | undefined
      for (;;) {
        // eslint-disable-next-line no-await-in-loop -- pages one after another
        const page = await logs.send(
          new GetLogEventsCommand({
            logGroupName: '/aws/batch/job',
            logStreamName: attempt.container.logStreamName,
            nextToken,
            startFromHead: true,
          }),
        )
        const messages = (page.events ?? []).map((event) => event.message)
        const wrong = messages.findIndex((message, i) => message !== String(lines + i + 1))
        if (wrong !== -1 && !broken) broken = `${lines + wrong + 1}: ${JSON.stringify(messages[wrong])}`
        lines += messages.length

        if (page.nextForwardToken === nextToken) break
        nextToken = page.nextForwardToken
      }
    }
  } finally {
    logs.destroy()
  }

  return {broken, lines}
}

describe('the emulator holds', () => {
  test('hostile requests: an AWS-shaped 4xx each, never a crash', async () => {
    const emulator = await start([])
    const {port, url} = emulator
    const cases: Array<[string, () => Promise<Reply>, number, string]> = [
      [
        'Batch with text/plain',
        () => call(url, '/v1/describejobqueues', {body: '{}', headers: {'content-type': 'text/plain'}}),
        415,
        'UnsupportedMediaTypeException',
      ],
      [
        'Batch without a content type',
        () => call(url, '/v1/describejobqueues', {body: '{}'}),
        415,
        'UnsupportedMediaTypeException',
      ],
      [
        'JSON null',
        () => call(url, '/v1/describejobqueues', {body: 'null', headers: JSON_TYPE}),
        400,
        'SerializationException',
      ],
      [
        'a million nested arrays',
        () => call(url, '/v1/submitjob', {body: nested(1_000_000), headers: JSON_TYPE}),
        400,
        'SerializationException',
      ],
      [
        'a million nested arrays inside a member',
        () =>
          call(url, '/v1/submitjob', {
            body: `{"jobName":"a","jobQueue":"local","jobDefinition":"d","containerOverrides":{"environment":${nested(1_000_000)}}}`,
            headers: JSON_TYPE,
          }),
        400,
        'ClientException',
      ],
      [
        'a Logs target of constructor',
        () => call(url, '/', {body: '{}', headers: logsTarget('constructor')}),
        400,
        'UnknownOperationException',
      ],
      [
        'a Logs target of __proto__',
        () => call(url, '/', {body: '{}', headers: logsTarget('__proto__')}),
        400,
        'UnknownOperationException',
      ],
      [
        '__proto__ as the whole input',
        () => call(url, '/v1/submitjob', {body: '{"__proto__": {"jobName": "x"}}', headers: JSON_TYPE}),
        400,
        'ClientException',
      ],
      [
        'bytes that are not UTF-8',
        () =>
          call(url, '/v1/describejobqueues', {
            body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
            headers: JSON_TYPE,
          }),
        400,
        'ClientException',
      ],
      [
        'members of the wrong types',
        () =>
          call(url, '/v1/submitjob', {
            body: JSON.stringify({jobDefinition: {a: 1}, jobName: 5, jobQueue: ['x']}),
            headers: JSON_TYPE,
          }),
        400,
        'ClientException',
      ],
      [
        'a job name of 5 MB',
        () =>
          call(url, '/v1/submitjob', {
            body: JSON.stringify({jobDefinition: 'd', jobName: 'a'.repeat(5_000_000), jobQueue: 'local'}),
            headers: JSON_TYPE,
          }),
        400,
        'ClientException',
      ],
      [
        '10,000 tags',
        () =>
          call(url, '/v1/submitjob', {
            body: JSON.stringify({
              jobDefinition: 'd',
              jobName: 'a',
              jobQueue: 'local',
              tags: Object.fromEntries(Array.from({length: 10_000}, (_, i) => [`k${i}`, 'v'])),
            }),
            headers: JSON_TYPE,
          }),
        400,
        'ClientException',
      ],
      [
        'a limit of 1e308',
        () =>
          call(url, '/', {
            body: JSON.stringify({limit: 1e308, logGroupName: 'g', logStreamName: 's'}),
            headers: logsTarget('GetLogEvents'),
          }),
        400,
        'SerializationException',
      ],
      ['GET on a POST operation', () => call(url, '/v1/submitjob', {method: 'GET'}), 404, 'UnknownOperationException'],
    ]
    const answers = []
    for (const [name, send] of cases) {
      // eslint-disable-next-line no-await-in-loop -- one at a time: each answer is checked on its own
      const reply = await send()
      answers.push([name, reply.status, reply.errorType, JSON.parse(reply.body).__type])
    }

    expect(answers).toEqual(cases.map(([name, , status, type]) => [name, status, type, type]))
    // Below HTTP: garbage on the socket and a header too large for any AWS front end are refused, not fatal.
    expect(await rawBytes(port, '\u0000\u0001 garbage\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\n{"__type":"BadRequestException","message":"Malformed HTTP request"}$/,
    )
    expect(
      (await call(url, '/v1/describejobqueues', {body: '{}', headers: {...JSON_TYPE, 'x-big': 'a'.repeat(100_000)}}))
        .status,
    ).toBe(431)
    // Still serving, and nothing went wrong inside.
    expect((await call(url, '/v1/describejobqueues', {body: '{}', headers: JSON_TYPE})).status).toBe(200)
    expect(emulator.stderr()).not.toMatch(/unexpected error|failed:/)
    printFigures('hostile requests', {answered4xx: cases.length + 2, crashes: 0})
  }, 60_000)

  test('1,000 concurrent requests that write and read are all answered', async () => {
    const emulator = await start(['--vcpus', '2'])
    const definition = await registerDefinition(emulator.url, ['true'])
    const agent = new Agent({keepAlive: true, maxSockets: 1000})
    try {
      const kinds = ['submit', 'describe', 'list', 'logs'] as const
      const replies = await Promise.all(
        Array.from({length: 1000}, (_, i) => {
          const kind = kinds[i % 4]
          if (kind === 'submit')
            return call(emulator.url, '/v1/submitjob', {
              agent,
              body: submitBody(definition, 'crowd'),
              headers: JSON_TYPE,
            })
          if (kind === 'describe')
            return call(emulator.url, '/v1/describejobs', {
              agent,
              body: '{"jobs":["00000000-0000-4000-8000-000000000000"]}',
              headers: JSON_TYPE,
            })
          if (kind === 'list')
            return call(emulator.url, '/v1/listjobs', {agent, body: '{"jobQueue":"local"}', headers: JSON_TYPE})
          return call(emulator.url, '/', {
            agent,
            body: '{"logGroupName":"/aws/batch/job","logStreamName":"none"}',
            headers: logsTarget('GetLogEvents'),
          })
        }),
      )
      const statuses = replies.map((reply, i) => `${kinds[i % 4]} ${reply.status}`)
      const counts = Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]))
      // Every request answered; the log stream does not exist, which is an answer too.
      expect(counts).toEqual({'describe 200': 250, 'list 200': 250, 'logs 400': 250, 'submit 200': 250})
      // With a name filter AWS lists 100 a page, newest first.
      const listed: unknown[] = []
      let nextToken: string | undefined
      do {
        // eslint-disable-next-line no-await-in-loop -- pages one after another
        const page = await call(emulator.url, '/v1/listjobs', {
          body: JSON.stringify({filters: [{name: 'JOB_NAME', values: ['crowd']}], jobQueue: 'local', nextToken}),
          headers: JSON_TYPE,
        })
        const parsed = JSON.parse(page.body) as {jobSummaryList: unknown[]; nextToken?: string}
        listed.push(...parsed.jobSummaryList)
        nextToken = parsed.nextToken
      } while (nextToken)

      expect(listed).toHaveLength(250)
      printFigures('1,000 concurrent requests', {answered: replies.length, jobs: 250})
    } finally {
      agent.destroy()
    }
  }, 60_000)

  test('kill -9 during heavy writes, three times: the state loads with every acknowledged job and an unbroken log', async () => {
    const acknowledged = new Set<string>()
    /** Jobs acknowledged in each round before its kill: the kill must come in the middle of real writes. */
    const perRound: number[] = []
    let refused = 0
    let printer = ''
    let stateDir: string | undefined
    for (let round = 1; round <= 3; round++) {
      // eslint-disable-next-line no-await-in-loop -- each round restarts on what the previous one left
      const emulator = await start(['--vcpus', '4'], stateDir)
      stateDir = emulator.stateDir
      if (round === 1) {
        // eslint-disable-next-line no-await-in-loop
        const definition = await registerDefinition(emulator.url, ['seq', '1', '5000000'])
        // eslint-disable-next-line no-await-in-loop
        const reply = await call(emulator.url, '/v1/submitjob', {
          body: submitBody(definition, 'printer', 1),
          headers: JSON_TYPE,
        })
        printer = JSON.parse(reply.body).jobId
      }

      // eslint-disable-next-line no-await-in-loop
      const definition = await registerDefinition(emulator.url, ['true'])
      const agent = new Agent({keepAlive: true, maxSockets: 8})
      const writing = {stop: false}
      const writers = Array.from({length: 8}, async (_, w) => {
        for (let n = 0; !writing.stop; n++) {
          try {
            // eslint-disable-next-line no-await-in-loop -- each writer waits for its answer, as a client does
            const reply = await call(emulator.url, '/v1/submitjob', {
              agent,
              body: submitBody(definition, `w${round}-${w}-${n}`),
              headers: JSON_TYPE,
            })
            if (reply.status === 200) acknowledged.add(JSON.parse(reply.body).jobId)
          } catch {
            refused++
            return
          }
        }
      })
      const before = acknowledged.size
      // Writes under way: some submits answered already (a slow machine gets more time, up to 20 s), then 1.5 s more.
      // eslint-disable-next-line no-await-in-loop
      await waitUntil(() => acknowledged.size - before >= MIN_ACKNOWLEDGED, 20_000)
      // eslint-disable-next-line no-await-in-loop
      await pause(1500)
      // eslint-disable-next-line no-await-in-loop
      await emulator.kill()
      perRound.push(acknowledged.size - before)
      writing.stop = true
      // eslint-disable-next-line no-await-in-loop
      await Promise.all(writers)
      agent.destroy()
    }

    // The state dir loads, every acknowledged job is there, and the printer's log is 1, 2, 3, ... with nothing torn.
    const survivor = await start(['--vcpus', '4'], stateDir)
    const ids = [...acknowledged]
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += 100) {
      // eslint-disable-next-line no-await-in-loop
      const reply = await call(survivor.url, '/v1/describejobs', {
        body: JSON.stringify({jobs: ids.slice(i, i + 100)}),
        headers: JSON_TYPE,
      })
      for (const job of JSON.parse(reply.body).jobs) found.add(job.jobId)
    }

    // Each kill came after real writes (a round where nothing was acknowledged would prove nothing), and every
    // acknowledged job is there.
    expect(perRound.filter((count) => count < MIN_ACKNOWLEDGED)).toEqual([])
    expect(ids.filter((id) => !found.has(id))).toEqual([])
    const described = await call(survivor.url, '/v1/describejobs', {
      body: JSON.stringify({jobs: [printer]}),
      headers: JSON_TYPE,
    })
    const [job] = JSON.parse(described.body).jobs
    expect(job.status).toBe('FAILED')
    const {broken, lines} = await readPrinterLog(survivor.url, job.attempts)
    expect(broken).toBe('')
    expect(lines).toBeGreaterThan(0)
    printFigures('kill -9 during heavy writes', {
      acknowledgedJobs: ids.length,
      acknowledgedPerRound: perRound.join('/'),
      kills: 3,
      lostJobs: ids.length - [...found].length,
      printerLinesKept: lines,
      refusedAfterKill: refused,
    })
  }, 120_000)

  test('--allow-remote listens beyond loopback, with a warning that it runs commands', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mfbatch-emu-remote-'))
    const child = spawn(
      process.execPath,
      [RUN, 'emulator', '--host', '0.0.0.0', '--allow-remote', '--port', '0', '--state-dir', stateDir],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk
          if (stdout.includes('\n')) resolve()
        })
        child.once('exit', () => reject(new Error(`exited: ${stderr}`)))
      })
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => {
        child.once('close', resolve)
      })
      removeStateDir(stateDir)
    }

    expect(stdout).toMatch(/^mfbatch emulator listening on http:\/\/0\.0\.0\.0:\d+ /)
    // After the lines that say what it enforces on this machine (limits, GPUs), the warning.
    expect(stderr.split('\n')).toContain(
      'warning: listening on 0.0.0.0: anyone who can reach this address can run commands on this machine',
    )
  })
})
