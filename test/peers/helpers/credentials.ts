/**
 * The peers sign with the credentials `mfbatch emulator env --json` prints for the emulator under test, as a user
 * following the README would; kept per endpoint so each helper finds the right ones.
 */
import {execFileSync} from 'node:child_process'

import {cleanEnv, RUN, type TestEmulator} from '../../helpers/emulator'

const byEndpoint = new Map<string, Record<string, string>>()

/** Runs `emulator env --json` for this emulator and remembers its variables for its endpoint. */
export function registerPeerEmulator(emulator: TestEmulator): Record<string, string> {
  const out = execFileSync(
    process.execPath,
    [RUN, 'emulator', 'env', '--state-dir', emulator.stateDir, '--port', String(emulator.port), '--json'],
    {encoding: 'utf8', env: cleanEnv()},
  )
  const env = JSON.parse(out) as Record<string, string>
  byEndpoint.set(emulator.url, env)
  return env
}

/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for `endpoint`; no user config or credentials files. */
export function peerCredentialEnv(endpoint: string): Record<string, string> {
  const env = byEndpoint.get(endpoint)
  if (!env) throw new Error(`no credentials for ${endpoint}: call registerPeerEmulator(emulator) after starting it`)
  return {
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_CONFIG_FILE: '/nonexistent/mfbatch-peers/config',
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/mfbatch-peers/credentials',
  }
}
