import {explainAwsError, nameProfileOnCredentialFailure} from '../../../src/batch/errors'
import {isTransient} from '../../../src/batch/pacing'
import {UnreachableEndpoint} from '../../../src/batch/reachability'
import {InputError, RuntimeError} from '../../../src/errors'
import {awsError} from './jobs/jobs-fake'

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
      new Error('Region is missing'),
      'listing jobs: no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
    ],
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

  test('other errors and answers pass through untouched', async () => {
    const denied = Object.assign(new Error('denied'), {name: 'AccessDeniedException'})
    await expect(stackWith('research')(() => Promise.reject(denied))({})).rejects.toBe(denied)
    await expect(stackWith('research')(() => Promise.resolve('ok'))({})).resolves.toBe('ok')
    expect(explainAwsError(denied, 'listing jobs').message).not.toContain('research')
  })
})
