/**
 * AWS and network failures in words, the same in every command: no region, no credentials, an endpoint whose host
 * name does not resolve, a port where nothing listens. Each fails within seconds (no 14 s of retries), names what
 * to set or check, exits 1, or 125 when the command waits on a job (DESIGN.md section 5).
 */
import {mkdtempSync, rmSync} from 'node:fs'
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

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-aws-errors-'))
  // A port nothing listens on now: bound on 127.0.0.1, then released.
  refusedPort = await new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
})

afterAll(() => rmSync(home, {force: true, recursive: true}))

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
  env: () => Record<string, string>
  /** The sentence after `mfbatch: ` and the step (`describing jobs: `). */
  sentence: RegExp | string
}

const FAILURES: Array<[string, Failure]> = [
  [
    'no region',
    {
      args: [],
      env: () => ({...base(), ...KEYS}),
      sentence:
        'no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
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
      args: ['--profile', 'nosuch'],
      env: () => ({...base(), AWS_REGION: 'us-east-1'}),
      sentence:
        'no AWS credentials found for profile "nosuch" (~/.aws/config, ~/.aws/credentials); check its name with "aws configure list-profiles", run "aws sso login --profile nosuch" if it signs in with SSO, or use --local',
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
      const endpoint = failure.sentence === 'REFUSED' ? ['--endpoint-url', `http://127.0.0.1:${refusedPort}`] : []
      const started = Date.now()
      const result = await runCli([verb, ...failure.args, ...endpoint, ...rest], {
        env: failure.env(),
        timeoutMs: 30_000,
      })
      return {ms: Date.now() - started, name, result}
    })
    for (const [i, [name, command]] of COMMANDS.entries()) {
      const {ms, result} = results[i]
      expect({code: result.code, name, stdout: result.stdout}).toEqual({code: command.code, name, stdout: ''})
      expect(result.stderr.startsWith(`mfbatch: ${command.step}`)).toBe(true)
      expect(result.stderr.endsWith('\n')).toBe(true)
      const sentence = result.stderr.slice(`mfbatch: ${command.step}`.length, -1)
      if (failure.sentence === 'REFUSED') {
        expect(sentence).toBe(refused(command.step ? 'describejobs' : 'describejobqueues'))
      } else if (typeof failure.sentence === 'string') {
        expect(sentence).toBe(failure.sentence)
      } else {
        expect(sentence).toMatch(failure.sentence)
      }

      expect({fast: ms < FAST_MS, ms, name}).toEqual({fast: true, ms, name})
    }
  }, 60_000)
})
