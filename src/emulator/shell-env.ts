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
