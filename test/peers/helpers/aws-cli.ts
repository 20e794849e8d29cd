/**
 * Runs Debian's AWS CLI v2 (`/usr/bin/aws`) against the emulator. Never the `aws` on PATH: on this machine image
 * that is a v1 without `logs tail`, and CLI v2.9 ignores AWS_ENDPOINT_URL, so `--endpoint-url` is always passed.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {sealedHome} from '../../helpers/emulator'
import {peerCredentialEnv} from './credentials'

export const AWS_CLI = '/usr/bin/aws'

export interface CliResult {
  code: number
  stderr: string
  stdout: string
}

/** Fails the suite with what to do when the CLI is missing or is not v2: the peer tests must never skip. */
export function requireAwsCli(): void {
  const install = 'install it with: apt-get install -y awscli (.ci/run does)'
  if (!existsSync(AWS_CLI)) throw new Error(`peer tests need the AWS CLI v2 at ${AWS_CLI}; ${install}`)
  const version = execFileSync(AWS_CLI, ['--version'], {encoding: 'utf8'})
  if (!version.startsWith('aws-cli/2.'))
    throw new Error(`${AWS_CLI} is not the AWS CLI v2 (${version.trim()}); ${install}`)
}

/**
 * A config file that turns off botocore's client-side parameter validation, so an invalid request reaches the
 * emulator and the test sees the server's own answer (the CLI reads `parameter_validation` from the profile).
 */
export function configWithoutValidation(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mfbatch-awscfg-')), 'config')
  writeFileSync(file, '[default]\nparameter_validation = false\n')
  return file
}

export interface CliOptions {
  /** Extra environment (AWS_CONFIG_FILE, AWS_MAX_ATTEMPTS, ...). */
  env?: Record<string, string>
  timeoutMs?: number
}

export function aws(endpoint: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  const common = ['--endpoint-url', endpoint, '--output', 'json', '--cli-read-timeout', '10']
  common.push('--cli-connect-timeout', '3')
  return new Promise((done) => {
    execFile(
      AWS_CLI,
      [...common, ...args],
      {
        env: cliEnv({...peerCredentialEnv(endpoint), ...options.env}),
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        done({code, stderr, stdout})
      },
    )
  })
}

/** Runs the CLI and parses its JSON output; a non-zero exit fails with the CLI's own message. */
export async function awsJson<T>(endpoint: string, args: string[], options: CliOptions = {}): Promise<T> {
  const result = await aws(endpoint, args, options)
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
  return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as T
}

/** Only what the CLI needs: the emulator's credentials (given in `extra`), no pager, no IMDS, no user config or credentials files. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {LANG, PATH} = process.env
  return {
    AWS_CONFIG_FILE: '/nonexistent/mfbatch-peers/config',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/mfbatch-peers/credentials',
    // The test file's own HOME: the CLI keeps caches and history under it.
    HOME: sealedHome(),
    LANG,
    PATH,
    // `logs tail --follow` never flushes: killed by a timeout, a block-buffered stdout would lose every line.
    PYTHONUNBUFFERED: '1',
    ...extra,
  }
}
