/**
 * `mfbatch emulator env`: the variables that point the AWS CLI, boto3 or any SDK at the emulator with its own
 * credentials, as POSIX shell lines for `eval "$(mfbatch emulator env)"`.
 */
import type {Credentials} from './auth/keys'

import {EMULATOR_DEFAULT_REGION} from './contract'

export interface EmulatorEnvironment {
  AWS_ACCESS_KEY_ID: string
  /** What older botocore (boto3 before 1.28, the AWS CLI v1) reads instead of AWS_REGION. */
  AWS_DEFAULT_REGION: string
  AWS_ENDPOINT_URL: string
  AWS_REGION: string
  AWS_SECRET_ACCESS_KEY: string
}

export function emulatorEnvironment(endpoint: string, credentials: Credentials): EmulatorEnvironment {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_DEFAULT_REGION: EMULATOR_DEFAULT_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: EMULATOR_DEFAULT_REGION,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  }
}

/** One single-quoted word: safe in any POSIX shell whatever the value holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", String.raw`'\''`)}'`
}

/**
 * `export` lines in a fixed order, then an `unset` of what would make SDKs sign with something else: a session
 * token the emulator never issued, or a profile (the JS SDK skips environment keys when AWS_PROFILE is set).
 */
export function exportLines(env: EmulatorEnvironment): string[] {
  const order: Array<keyof EmulatorEnvironment> = [
    'AWS_ENDPOINT_URL',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
  ]
  return [...order.map((name) => `export ${name}=${shellQuote(env[name])}`), 'unset AWS_SESSION_TOKEN AWS_PROFILE']
}

/** The `aws` found on PATH: where, and the version it reports (`aws --version`: `aws-cli/2.9.19 Python/...`). */
export interface AwsCli {
  path: string
  version: string
}

/**
 * Whether an AWS CLI reads AWS_ENDPOINT_URL: version 2 from 2.13.0 and version 1 from 1.29.0 do (both added the
 * endpoint variables in July 2023); older ones, Debian 12's 2.9 among them, send every call to AWS instead.
 */
export function readsEndpointVariable(version: string): boolean {
  const [major, minor] = version.split('.').map(Number)
  if (major === 2) return minor >= 13
  if (major === 1) return minor >= 29
  return major > 2
}

/**
 * What to tell the user on stderr about the `aws` on PATH, or undefined when it needs nothing: one that ignores
 * AWS_ENDPOINT_URL gets the flag to add, and a shell function to paste for a shell where every `aws` should go to the
 * emulator. The function is offered, not printed for eval: defining `aws` in someone's shell behind their back
 * would outlive the emulator and change what `aws` means in every script they source there.
 */
export function awsCliNote(cli?: AwsCli): string[] | undefined {
  if (!cli || readsEndpointVariable(cli.version)) return undefined
  return [
    `the AWS CLI at ${cli.path} (aws-cli/${cli.version}) ignores AWS_ENDPOINT_URL (it is read from 2.13 on): ` +
      'without --endpoint-url its calls go to AWS, not to the emulator. Give it the flag:',
    `  aws --endpoint-url "$AWS_ENDPOINT_URL" batch describe-job-queues`,
    'or, for this shell only, define:',
    `  aws() { if [ -n "\${AWS_ENDPOINT_URL-}" ]; then command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; else command aws "$@"; fi; }`,
  ]
}
