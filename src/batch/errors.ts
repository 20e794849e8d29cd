import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {InputError, RuntimeError} from '../errors'
import {errorName, isTransient} from './pacing'
import {ANSWERED_URL, UnreachableEndpoint} from './reachability'

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
 * The SDK's own messages when no credentials or no region come out of a profile name no profile ("Could not load
 * credentials from any providers", "Region is missing"): this marks the error with the profile the client was given
 * (--profile, a config file, or AWS_PROFILE, which the SDK reads itself), so the sentence can say which one to check.
 */
export function nameProfileOnCredentialFailure(stack: StackLike, profile: string): void {
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        const message = (error as Error | undefined)?.message ?? ''
        if ((errorName(error) === 'CredentialsProviderError' || isRegionMissing(message)) && error instanceof Object) {
          Object.assign(error, {[PROFILE]: profile})
        }

        throw error
      }
    },
    {name: 'mfbatchNameProfileOnCredentialFailure', step: 'initialize'},
  )
}

const isRegionMissing = (message: string): boolean => /^region is missing/i.test(message)

/** The shared config and credentials files the SDK reads, where AWS_CONFIG_FILE and friends put them. */
export interface ProfileFiles {
  config: string
  credentials: string
}

export function profileFiles(env: NodeJS.ProcessEnv = process.env): ProfileFiles {
  return {
    config: env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
  }
}

/** The section names of an INI file (`profile research`, `default`), none when it does not exist. */
function sections(path: string): string[] {
  if (!existsSync(path)) return []
  return [...readFileSync(path, 'utf8').matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)].map((match) =>
    match[1].replaceAll(/\s+/g, ' '),
  )
}

/** Whether either file has a section for the profile (`[profile NAME]` or `[NAME]` in config, `[NAME]` in credentials). */
export function profileExists(profile: string, files: ProfileFiles = profileFiles()): boolean {
  return (
    sections(files.config).some((name) => name === `profile ${profile}` || name === profile) ||
    sections(files.credentials).includes(profile)
  )
}

/**
 * No region: the SDK found none in --region, AWS_REGION or the profile. A profile that does not exist at all is
 * the likelier mistake (a typo in AWS_PROFILE) and is named; either is bad input (exit 2), found before any call.
 */
function regionMissing(doing: string | undefined, profile: string | undefined): InputError {
  const say = (sentence: string) => new InputError(doing ? `${doing}: ${sentence}` : sentence)
  if (profile !== undefined && !profileExists(profile)) {
    const {config, credentials} = profileFiles()
    const from = process.env.AWS_PROFILE === profile ? 'AWS_PROFILE' : '--profile'
    return say(
      `the AWS profile "${profile}" (${from}) is in neither ${config} nor ${credentials}; check its name with ` +
        `"aws configure list-profiles", set up the profile (aws configure --profile ${profile}), or use --local`,
    )
  }

  if (profile !== undefined) {
    return say(
      `no AWS region set, and the AWS profile "${profile}" has none; use --region, set AWS_REGION, or give the ` +
        `profile a region (aws configure --profile ${profile}), or use --local`,
    )
  }

  return say(
    'no AWS region set; use --region, set AWS_REGION, or give your AWS profile a region (aws configure), or use --local',
  )
}

interface AnswerLike {
  $metadata?: {httpStatusCode?: number}
  $response?: {headers?: Record<string, string>; statusCode?: number}
  [ANSWERED_URL]?: string
}

/** "a web page (HTML)", "a body that is not JSON (text/plain)" or "no AWS error in its body". */
function whatCame(answer: AnswerLike, message: string, deserialization: boolean): string {
  const headers = Object.entries(answer.$response?.headers ?? {})
  const type = headers.find(([key]) => key.toLowerCase() === 'content-type')?.[1]
  if (/html/i.test(type ?? '') || /Unexpected token '<'/.test(message)) return 'a web page (HTML)'
  if (deserialization) return `a body that is not JSON${type ? ` (${type})` : ''}`
  return 'no AWS error in its body'
}

/**
 * An answer that is not AWS's: a proxy's or login page's HTML, or a 404 with an empty body from a server that is not
 * the AWS API. The SDK says `Unexpected token '<' ... Deserialization error` or `UnknownError`; the sentence names
 * the URL that answered and what it answered.
 */
function notAws(error: unknown, doing: string | undefined): RuntimeError | undefined {
  const name = errorName(error) ?? 'Error'
  const message = (error as Error | undefined)?.message ?? ''
  const deserialization = name === 'SyntaxError' || /Deserialization error/.test(message)
  if (!deserialization && name !== 'Unknown' && message !== 'UnknownError') return undefined
  const answer = error as AnswerLike
  const status = answer.$metadata?.httpStatusCode ?? answer.$response?.statusCode
  const where = answer[ANSWERED_URL] ? `the endpoint URL "${answer[ANSWERED_URL]}"` : 'the endpoint'
  const http = status === undefined ? '' : ` HTTP ${status} with`
  return prefixed(
    doing,
    `${where} answered${http} ${whatCame(answer, message, deserialization)}, not the AWS API; check --endpoint-url ` +
      '(or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
  )
}

/**
 * The sentence for a failure every command can meet the same way (no region, no credentials, an endpoint that
 * cannot be reached or that is not AWS), or undefined for one only the caller can explain.
 */
export function explainKnownFailure(error: unknown, doing?: string): InputError | RuntimeError | undefined {
  if (error instanceof UnreachableEndpoint) return prefixed(doing, unreachable(error))
  const name = errorName(error) ?? 'Error'
  const message = (error as Error | undefined)?.message ?? String(error)
  if (isRegionMissing(message)) return regionMissing(doing, (error as {[PROFILE]?: string})[PROFILE])
  const foreign = notAws(error, doing)
  if (foreign) return foreign

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const profile = (error as {[PROFILE]?: string})[PROFILE]
    if (profile !== undefined && !profileExists(profile)) {
      return new InputError(regionMissing(doing, profile).message)
    }

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
