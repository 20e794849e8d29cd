/**
 * AWS and network failures in words, the same in every command: no region, no credentials, a profile that does not
 * exist, an endpoint whose host name does not resolve, a port where nothing listens, a server that answers with a
 * web page or an empty 404. Each fails within seconds (no 14 s of retries), names what to set or check, exits 1 (2
 * for what the user typed or set: no region, no such profile), or 125 when the command waits on a job (DESIGN.md
 * section 5).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type Server} from 'node:http'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/emulator'
import {inPool} from '../helpers/figures'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
/** Well under the 14 s ten SDK retries took; the rest is Node and the CLI starting on a loaded machine. */
const FAST_MS = 4000

let home: string
let refusedPort: number
let webPage: {port: number; server: Server}
let empty404: {port: number; server: Server}

/** A tiny HTTP server on a free loopback port that answers every request the same way. */
function answering(status: number, type: string | undefined, body: string): Promise<{port: number; server: Server}> {
  const server = createHttpServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(status, type ? {'content-type': type} : {})
      response.end(body)
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({port: (server.address() as {port: number}).port, server}))
  })
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-aws-errors-'))
  writeFileSync(join(home, 'with-profile'), '[profile research]\nregion = us-east-1\n')
  webPage = await answering(200, 'text/html', '<!DOCTYPE html><html><body>Sign in</body></html>')
  empty404 = await answering(404, undefined, '')
  // A port nothing listens on now: bound on 127.0.0.1, then released.
  refusedPort = await new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
})

afterAll(async () => {
  rmSync(home, {force: true, recursive: true})
  await Promise.all(
    [webPage, empty404].map(
      ({server}) =>
        new Promise((done) => {
          server.close(done)
        }),
    ),
  )
})

/** No ~/.aws files, no instance metadata: only what each case sets. */
const base = (): Record<string, string> => ({
  AWS_CONFIG_FILE: join(home, 'no-config'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
  HOME: home,
})
const KEYS = {AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret'}

interface Failure {
  args: string[]
  /** A URL for --endpoint-url, known once the servers listen. */
  endpoint?: () => string
  env: () => Record<string, string>
  /** Bad input (exit 2, 125 when waiting) rather than a failure at run time (exit 1). */
  input?: boolean
  /** The sentence after `mfbatch: ` and the step (`describing jobs: `). */
  sentence: RegExp | string
}

const FAILURES: Array<[string, Failure]> = [
  [
    'no region',
    {
      args: [],
      env: () => ({...base(), ...KEYS}),
      input: true,
      sentence:
        'no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
    },
  ],
  [
    'a profile that does not exist (AWS_PROFILE=nosuch)',
    {
      args: [],
      env: () => ({...base(), AWS_PROFILE: 'nosuch'}),
      input: true,
      sentence: `the AWS profile "nosuch" (AWS_PROFILE) is in neither ${join('HOME', 'no-config')} nor ${join('HOME', 'no-credentials')}; check its name with "aws configure list-profiles", set up the profile (aws configure --profile nosuch), or use --local`,
    },
  ],
  [
    'an endpoint that answers a web page',
    {
      args: [],
      endpoint: () => `http://127.0.0.1:${webPage.port}`,
      env: () => ({...base(), ...KEYS, AWS_REGION: 'us-east-1'}),
      sentence:
        'the endpoint URL "http://127.0.0.1:PORT/v1/OPERATION" answered HTTP 200 with a web page (HTML), not the AWS API; check --endpoint-url (or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
    },
  ],
  [
    'an endpoint that answers 404 with an empty body',
    {
      args: [],
      endpoint: () => `http://127.0.0.1:${empty404.port}`,
      env: () => ({...base(), ...KEYS, AWS_REGION: 'us-east-1'}),
      sentence:
        'the endpoint URL "http://127.0.0.1:PORT/v1/OPERATION" answered HTTP 404 with no AWS error in its body, not the AWS API; check --endpoint-url (or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
    },
  ],
  [
    'no credentials',
    {
      args: [],
      env: () => ({...base(), AWS_REGION: 'us-east-1'}),
      sentence: 'no AWS credentials found; set AWS_PROFILE (or --profile), run "aws sso login", or use --local',
    },
  ],
  [
    'a profile with no credentials',
    {
      args: ['--profile', 'research'],
      env: () => ({...base(), AWS_CONFIG_FILE: join(home, 'with-profile')}),
      sentence:
        'no AWS credentials found for profile "research" (~/.aws/config, ~/.aws/credentials); check its name with "aws configure list-profiles", run "aws sso login --profile research" if it signs in with SSO, or use --local',
    },
  ],
  [
    'a host name that does not resolve',
    {
      args: ['--endpoint-url', 'http://nonexistent.invalid'],
      env: () => ({...base(), ...KEYS, AWS_REGION: 'us-east-1'}),
      sentence:
        /^could not connect to the endpoint URL "http:\/\/nonexistent\.invalid\/v1\/describejob(s|queues)": its host name does not resolve \((ENOTFOUND|EAI_AGAIN)\); check --endpoint-url \(or AWS_ENDPOINT_URL\*\), --region and your connection$/,
    },
  ],
  [
    'a port where nothing listens',
    {
      args: [],
      env: () => ({...base(), ...KEYS, AWS_REGION: 'us-east-1'}),
      sentence: 'REFUSED',
    },
  ],
]

interface Command {
  args: string[]
  code: number
  /** The step the sentence is prefixed with. */
  step: string
}

const COMMANDS: Array<[string, Command]> = [
  ['submit', {args: ['submit', '--queue', 'q', '--', 'true'], code: 1, step: ''}],
  ['submit --wait', {args: ['submit', '--wait', '--queue', 'q', '--', 'true'], code: 125, step: ''}],
  ['status', {args: ['status', UNKNOWN], code: 1, step: 'describing jobs: '}],
  ['status --wait', {args: ['status', '--wait', UNKNOWN], code: 125, step: 'describing jobs: '}],
  ['logs', {args: ['logs', UNKNOWN], code: 1, step: 'describing jobs: '}],
  ['logs --follow', {args: ['logs', '--follow', UNKNOWN], code: 125, step: 'describing jobs: '}],
  ['kill', {args: ['kill', UNKNOWN], code: 1, step: 'describing jobs: '}],
]

const refused = (operation: string): string =>
  `could not connect to the endpoint URL "http://127.0.0.1:${refusedPort}/v1/${operation}": nothing listens there ` +
  '(ECONNREFUSED); start the emulator with "mfbatch emulator start", use --local, or check --endpoint-url'

describe.each(FAILURES)('%s', (_, failure) => {
  test('every command says it the same way, fast, with its exit code', async () => {
    const results = await inPool(COMMANDS, 2, async ([name, command]) => {
      const [verb, ...rest] = command.args
      const url = failure.sentence === 'REFUSED' ? `http://127.0.0.1:${refusedPort}` : failure.endpoint?.()
      const endpoint = url ? ['--endpoint-url', url] : []
      const started = Date.now()
      const result = await runCli([verb, ...failure.args, ...endpoint, ...rest], {
        env: failure.env(),
        timeoutMs: 30_000,
      })
      return {ms: Date.now() - started, name, result}
    })
    for (const [i, [name, command]] of COMMANDS.entries()) {
      const {ms, result} = results[i]
      const code = failure.input && command.code === 1 ? 2 : command.code
      expect({code: result.code, name, stdout: result.stdout}).toEqual({code, name, stdout: ''})
      expect(result.stderr.startsWith(`mfbatch: ${command.step}`)).toBe(true)
      expect(result.stderr.endsWith('\n')).toBe(true)
      const sentence = result.stderr.slice(`mfbatch: ${command.step}`.length, -1)
      if (failure.sentence === 'REFUSED') {
        expect(sentence).toBe(refused(command.step ? 'describejobs' : 'describejobqueues'))
      } else if (typeof failure.sentence === 'string') {
        const operation = command.step ? 'describejobs' : 'describejobqueues'
        const port = failure.endpoint ? new URL(failure.endpoint()).port : ''
        expect(sentence).toBe(
          failure.sentence.replace('PORT', port).replace('OPERATION', operation).replaceAll('HOME/', `${home}/`),
        )
      } else {
        expect(sentence).toMatch(failure.sentence)
      }

      expect({fast: ms < FAST_MS, ms, name}).toEqual({fast: true, ms, name})
    }
  }, 60_000)
})
