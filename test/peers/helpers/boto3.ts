/**
 * Runs test/peers/boto3_peer.py with a Python that has boto3: Debian's /usr/bin/python3 with python3-boto3 first
 * (what CI installs), else `python3` on PATH.
 */
import {execFile, spawnSync} from 'node:child_process'
import {resolve} from 'node:path'

import {cleanEnv} from '../../helpers/emulator'
import {peerCredentialEnv} from './credentials'

const SCRIPT = resolve(__dirname, '..', 'boto3_peer.py')
let python: string | undefined

/** Fails the suite with what to do when no Python has boto3: the peer tests must never skip. */
export function requireBoto3(): string {
  if (python) return python
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import boto3'], {stdio: 'ignore'}).status === 0) {
      python = candidate
      return python
    }
  }

  throw new Error(
    'peer tests need boto3: neither /usr/bin/python3 nor python3 can import it; ' +
      'install it with: apt-get install -y python3-boto3 (.ci/run does)',
  )
}

export interface AwsErrorResult {
  error: {code: string; message: string; status: number}
}

/** One command of boto3_peer.py; resolves to its JSON output (an AWS error is `{error: ...}`, not a rejection). */
export function boto3<T>(endpoint: string, command: string, args: Record<string, unknown>): Promise<T> {
  const interpreter = requireBoto3()
  // The one AWS_* variable a peer test sets on purpose: newer service models for botocore (boto3-queue-ops).
  const models = process.env.AWS_DATA_PATH ? {AWS_DATA_PATH: process.env.AWS_DATA_PATH} : {}
  return new Promise((done, fail) => {
    execFile(
      interpreter,
      [SCRIPT, endpoint, command, JSON.stringify(args)],
      {env: {...cleanEnv(), ...models, ...peerCredentialEnv(endpoint)}, maxBuffer: 64 * 1024 * 1024, timeout: 90_000},
      (error, stdout, stderr) => {
        if (error) fail(new Error(`boto3_peer.py ${command} failed: ${stderr.trim() || error.message}`))
        else done(JSON.parse(stdout) as T)
      },
    )
  })
}

/** A plain API call that must succeed. */
export async function boto3Call<T>(
  endpoint: string,
  service: 'batch' | 'logs',
  operation: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const result = await boto3<AwsErrorResult | T>(endpoint, 'call', {operation, params, service})
  if (result && typeof result === 'object' && 'error' in result) {
    throw new Error(`boto3 ${service}.${operation} failed: ${JSON.stringify(result.error)}`)
  }

  return result as T
}
