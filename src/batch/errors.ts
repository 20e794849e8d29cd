import {InputError, RuntimeError} from '../errors'
import {errorName, isTransient} from './pacing'
import {UnreachableEndpoint} from './reachability'

/**
 * The one place that turns SDK and network errors into sentences that say what to do next (STYLE.md habit 6), for
 * every command: services call `explainAwsError` with the step they were at; an SDK error that reaches a command
 * unexplained is turned here too (base-command.ts), so `submit` and `status` say the same about a missing region.
 */

const prefixed = (doing: string | undefined, sentence: string): RuntimeError =>
  new RuntimeError(doing ? `${doing}: ${sentence}` : sentence)

function unreachable(error: UnreachableEndpoint): string {
  const where = `could not connect to the endpoint URL "${error.url}"`
  if (error.reason === 'ECONNREFUSED' && error.loopback) {
    return `${where}: nothing listens there (ECONNREFUSED); start the emulator with "mfbatch emulator start", use --local, or check --endpoint-url`
  }

  if (error.reason === 'ECONNREFUSED') {
    return `${where}: the connection was refused (ECONNREFUSED); check --endpoint-url (or AWS_ENDPOINT_URL*) and your connection`
  }

  return `${where}: its host name does not resolve (${error.reason}); check --endpoint-url (or AWS_ENDPOINT_URL*), --region and your connection`
}

/** Where a failed credentials lookup records the profile it read, for the sentence below. */
const PROFILE = Symbol('mfbatch.profile')

interface StackLike {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: {name: string; step: 'initialize'},
  ): void
}

/**
 * The SDK's own message when no credentials come out of a profile names no profile ("Could not load credentials
 * from any providers"): this marks the error with the profile the client was given (--profile, a config file, or
 * AWS_PROFILE, which the SDK reads itself), so the sentence can say which one to check.
 */
export function nameProfileOnCredentialFailure(stack: StackLike, profile: string): void {
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        if (errorName(error) === 'CredentialsProviderError' && error instanceof Object) {
          Object.assign(error, {[PROFILE]: profile})
        }

        throw error
      }
    },
    {name: 'mfbatchNameProfileOnCredentialFailure', step: 'initialize'},
  )
}

/**
 * The sentence for a failure every command can meet the same way (no region, no credentials, an endpoint that
 * cannot be reached), or undefined for one only the caller can explain.
 */
export function explainKnownFailure(error: unknown, doing?: string): RuntimeError | undefined {
  if (error instanceof UnreachableEndpoint) return prefixed(doing, unreachable(error))
  const name = errorName(error) ?? 'Error'
  const message = (error as Error | undefined)?.message ?? String(error)
  if (/^region is missing/i.test(message)) {
    return prefixed(
      doing,
      'no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
    )
  }

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const profile = (error as {[PROFILE]?: string})[PROFILE]
    if (profile !== undefined) {
      return prefixed(
        doing,
        `no AWS credentials found for profile "${profile}" (~/.aws/config, ~/.aws/credentials); check its name with ` +
          `"aws configure list-profiles", run "aws sso login --profile ${profile}" if it signs in with SSO, or use --local`,
      )
    }

    return prefixed(
      doing,
      'no AWS credentials found; set AWS_PROFILE (or --profile), run "aws sso login", or use --local',
    )
  }

  return undefined
}

/**
 * AWS exceptions as sentences. `doing` names the step in a few words ("listing jobs in queue q"). Errors that are
 * already sentences (ours) pass through untouched.
 */
export function explainAwsError(error: unknown, doing: string): Error {
  if (error instanceof InputError || error instanceof RuntimeError) return error
  const known = explainKnownFailure(error, doing)
  if (known) return known
  const name = errorName(error) ?? 'Error'
  const message = (error as Error | undefined)?.message ?? String(error)
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
