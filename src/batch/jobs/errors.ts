import {InputError, RuntimeError} from '../../errors'
import {errorName, isTransient} from '../pacing'

/**
 * AWS exceptions as sentences that say what to do next (STYLE.md habit 6). `doing` names the step in a few words
 * ("listing jobs in queue q"). Errors that are already sentences (ours) pass through untouched.
 */
export function explainAwsError(error: unknown, doing: string): Error {
  if (error instanceof InputError || error instanceof RuntimeError) return error
  const name = errorName(error) ?? 'Error'
  const message = (error as Error | undefined)?.message ?? String(error)
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new RuntimeError(
      `${doing}: no AWS credentials found; set AWS_PROFILE (or --profile), run "aws sso login", or use --local`,
    )
  }

  if (/AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken|InvalidClientTokenId/.test(name)) {
    return new RuntimeError(`${doing}: AWS refused the credentials (${name}: ${message}); check --profile and --region`)
  }

  const code = (error as undefined | {code?: string})?.code
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return new RuntimeError(
      `${doing}: nothing answers at the endpoint (${message}); check --endpoint-url, or start the emulator ` +
        'with "mfbatch emulator"',
    )
  }

  if (isTransient(error)) {
    return new RuntimeError(`${doing}: AWS kept failing or throttling after several retries (${name}); try again`)
  }

  return new RuntimeError(`${doing}: ${name}: ${message}`)
}
