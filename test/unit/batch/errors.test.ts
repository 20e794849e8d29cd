import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {explainAwsError, nameProfileOnCredentialFailure, profileExists} from '../../../src/batch/errors'
import {isTransient} from '../../../src/batch/pacing'
import {ANSWERED_URL, UnreachableEndpoint} from '../../../src/batch/reachability'
import {InputError, RuntimeError} from '../../../src/errors'
import {awsError} from './jobs/jobs-fake'

/** The SDK's files for these tests: a config with the profile "research" (a region, no keys), no credentials file. */
let dir: string
const saved = {config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE}
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-errors-'))
  writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n\n[profile research]\nregion = us-east-1\n')
  process.env.AWS_CONFIG_FILE = join(dir, 'config')
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
})
afterAll(() => {
  rmSync(dir, {force: true, recursive: true})
  for (const [name, value] of [
    ['AWS_CONFIG_FILE', saved.config],
    ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials],
  ] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

/** What the SDK throws for an answer it cannot read, with the URL reachability.ts records on it. */
function answered(fields: {contentType?: string; message: string; name: string; status: number}): Error {
  return Object.assign(new Error(fields.message), {
    $metadata: {httpStatusCode: fields.status},
    $response: {headers: fields.contentType ? {'content-type': fields.contentType} : {}, statusCode: fields.status},
    [ANSWERED_URL]: 'http://127.0.0.1:8080/v1/listjobs',
    name: fields.name,
  })
}

const HTML_MESSAGE =
  'Unexpected token \'<\', "<!DOCTYPE "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'

describe('answers that are not AWS, and profiles that do not exist', () => {
  test.each([
    [
      'a web page',
      answered({contentType: 'text/html; charset=utf-8', message: HTML_MESSAGE, name: 'SyntaxError', status: 200}),
      'listing jobs: the endpoint URL "http://127.0.0.1:8080/v1/listjobs" answered HTTP 200 with a web page (HTML), not the AWS API; check --endpoint-url (or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
    ],
    [
      'a 404 with an empty body',
      answered({message: 'UnknownError', name: 'Unknown', status: 404}),
      'listing jobs: the endpoint URL "http://127.0.0.1:8080/v1/listjobs" answered HTTP 404 with no AWS error in its body, not the AWS API; check --endpoint-url (or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
    ],
    [
      'plain text that is not JSON',
      answered({
        contentType: 'text/plain',
        message: 'Unexpected token \'o\', "ok" is not valid JSON',
        name: 'SyntaxError',
        status: 200,
      }),
      'listing jobs: the endpoint URL "http://127.0.0.1:8080/v1/listjobs" answered HTTP 200 with a body that is not JSON (text/plain), not the AWS API; check --endpoint-url (or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
    ],
  ])('%s', (_, error, sentence) => {
    const explained = explainAwsError(error, 'listing jobs')
    expect(explained).toBeInstanceOf(RuntimeError)
    expect(explained.message).toBe(sentence)
  })

  test('no region and no profile: bad input (exit 2), what to set', () => {
    const explained = explainAwsError(new Error('Region is missing'), 'listing jobs')
    expect(explained).toBeInstanceOf(InputError)
    expect(explained.message).toBe(
      'listing jobs: no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
    )
  })

  test('profileExists: a [profile NAME] or [default] section in config, [NAME] in credentials', () => {
    expect(profileExists('research')).toBe(true)
    expect(profileExists('default')).toBe(true)
    expect(profileExists('nosuch')).toBe(false)
    expect(profileExists('nosuch', {config: join(dir, 'none'), credentials: join(dir, 'none')})).toBe(false)
  })
})

describe('explainAwsError', () => {
  test.each([
    [
      Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}),
      'listing jobs: no AWS credentials found; set AWS_PROFILE (or --profile), run "aws sso login", or use --local',
    ],
    [
      awsError('ExpiredTokenException', 'The security token included in the request is expired', 403),
      'listing jobs: AWS refused the credentials (ExpiredTokenException: The security token included in the request is expired); check --profile and --region',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4589'), {code: 'ECONNREFUSED'}),
      'listing jobs: nothing answers at the endpoint (connect ECONNREFUSED 127.0.0.1:4589); check --endpoint-url, or start the emulator with "mfbatch emulator"',
    ],
    [
      awsError('ServerException', 'boom', 500),
      'listing jobs: AWS kept failing or throttling after several retries (ServerException); try again',
    ],
    [awsError('ClientException', 'bad thing'), 'listing jobs: ClientException: bad thing'],
    [
      new UnreachableEndpoint('https://batch.us-east-7.amazonaws.com/v1/listjobs', 'ENOTFOUND', false),
      'listing jobs: could not connect to the endpoint URL "https://batch.us-east-7.amazonaws.com/v1/listjobs": its host name does not resolve (ENOTFOUND); check --endpoint-url (or AWS_ENDPOINT_URL*), --region and your connection',
    ],
    [
      new UnreachableEndpoint('http://10.1.2.3:4589/v1/listjobs', 'ECONNREFUSED', false),
      'listing jobs: could not connect to the endpoint URL "http://10.1.2.3:4589/v1/listjobs": the connection was refused (ECONNREFUSED); check --endpoint-url (or AWS_ENDPOINT_URL*) and your connection',
    ],
    [
      new UnreachableEndpoint('http://127.0.0.1:9/v1/listjobs', 'ECONNREFUSED', true),
      'listing jobs: could not connect to the endpoint URL "http://127.0.0.1:9/v1/listjobs": nothing listens there (ECONNREFUSED); start the emulator with "mfbatch emulator start", use --local, or check --endpoint-url',
    ],
  ])('%s', (error, sentence) => {
    const explained = explainAwsError(error, 'listing jobs')
    expect(explained).toBeInstanceOf(RuntimeError)
    expect(explained.message).toBe(sentence)
  })

  test('an unreachable endpoint is not an outage to wait out', () => {
    expect(isTransient(new UnreachableEndpoint('http://x.invalid/', 'ENOTFOUND', false))).toBe(false)
  })

  test('our own errors pass through untouched', () => {
    const own = new InputError('--state: bad')
    expect(explainAwsError(own, 'listing jobs')).toBe(own)
  })
})

describe('nameProfileOnCredentialFailure', () => {
  type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>
  const stackWith = (profile: string): Middleware => {
    let added: Middleware | undefined
    nameProfileOnCredentialFailure(
      {
        add(middleware) {
          added = middleware
        },
      },
      profile,
    )
    return added!
  }

  test('a credentials failure names the profile the client read, and what to do with it', async () => {
    const failing = stackWith('research')(() =>
      Promise.reject(
        Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}),
      ),
    )
    const error = await failing({}).catch((error_: unknown) => error_)
    expect(explainAwsError(error, 'listing jobs').message).toBe(
      'listing jobs: no AWS credentials found for profile "research" (~/.aws/config, ~/.aws/credentials); check its ' +
        'name with "aws configure list-profiles", run "aws sso login --profile research" if it signs in with SSO, or use --local',
    )
  })

  test('no region under a profile that is in neither file: the profile is named, as bad input', async () => {
    const error = await stackWith('nosuch')(() => Promise.reject(new Error('Region is missing')))({}).catch(
      (error_: unknown) => error_,
    )
    const explained = explainAwsError(error, 'listing jobs')
    expect(explained).toBeInstanceOf(InputError)
    expect(explained.message).toBe(
      `listing jobs: the AWS profile "nosuch" (--profile) is in neither ${join(dir, 'config')} nor ${join(dir, 'credentials')}; check its name with "aws configure list-profiles", set up the profile (aws configure --profile nosuch), or use --local`,
    )
  })

  test('no credentials under a profile that is in neither file: the same sentence, as bad input', async () => {
    const failure = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    })
    const error = await stackWith('nosuch')(() => Promise.reject(failure))({}).catch((error_: unknown) => error_)
    const explained = explainAwsError(error, 'listing jobs')
    expect(explained).toBeInstanceOf(InputError)
    expect(explained.message).toMatch(/^listing jobs: the AWS profile "nosuch" \(--profile\) is in neither /)
  })

  test('no region under a profile that exists: the profile is named as the place for one', async () => {
    const error = await stackWith('research')(() => Promise.reject(new Error('Region is missing')))({}).catch(
      (error_: unknown) => error_,
    )
    expect(explainAwsError(error, 'listing jobs').message).toBe(
      'listing jobs: no AWS region set, and the AWS profile "research" has none; use --region, set AWS_REGION, or give the profile a region (aws configure --profile research), or use --local',
    )
  })

  test('other errors and answers pass through untouched', async () => {
    const denied = Object.assign(new Error('denied'), {name: 'AccessDeniedException'})
    await expect(stackWith('research')(() => Promise.reject(denied))({})).rejects.toBe(denied)
    await expect(stackWith('research')(() => Promise.resolve('ok'))({})).resolves.toBe('ok')
    expect(explainAwsError(denied, 'listing jobs').message).not.toContain('research')
  })
})
