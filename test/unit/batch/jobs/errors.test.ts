import {explainAwsError} from '../../../../src/batch/jobs/errors'
import {InputError, RuntimeError} from '../../../../src/errors'
import {awsError} from './jobs-fake'

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
  ])('%s', (error, sentence) => {
    const explained = explainAwsError(error, 'listing jobs')
    expect(explained).toBeInstanceOf(RuntimeError)
    expect(explained.message).toBe(sentence)
  })

  test('our own errors pass through untouched', () => {
    const own = new InputError('--state: bad')
    expect(explainAwsError(own, 'listing jobs')).toBe(own)
  })
})
