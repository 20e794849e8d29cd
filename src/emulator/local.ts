/**
 * What `--local` means: the emulator on its default port, started in the background when none answers. The
 * defaults here (port, state dir) are the ones `mfbatch emulator` and `mfbatch emulator start|stop|status` use.
 */

import type {Credentials} from './auth/keys'

import {RuntimeError} from '../errors'
import {loadOrCreateCredentials} from './auth/credentials-file'
import {proveServer} from './auth/prove-server'
import {endpointOf, proveAt, readDaemon, startDaemon, stateCredentials} from './daemon'
import {readInstance} from './instance-lock'
import {defaultStateDir, localEmulatorPort} from './local-identity'
import {portHeldMessage} from './port-held'
import {emulatorEnvironment, type EmulatorEnvironment} from './shell-env'
import {ensurePrivateDir} from './state-dir'

export {PORT_ENV} from './contract'
export {defaultStateDir, localEmulatorIdentity, localEmulatorPort} from './local-identity'

export interface LocalEmulator {
  /** The emulator's own credentials: the only ones `--local` signs with. */
  credentials: Credentials
  endpoint: string
  /** True when this call started it (and said so on `log`). */
  started: boolean
}

/**
 * The endpoint and credentials of the local emulator, starting a detached one when nothing answers on its port.
 * Whatever answers must prove it is the emulator of the state dir, listening on the address dialled, before
 * anything is sent to it. Starting says so in one line on `log` (stderr by default), with the state dir and how to
 * stop it.
 */
export async function ensureLocalEmulator(
  options: {env?: NodeJS.ProcessEnv; log?: (line: string) => void} = {},
): Promise<LocalEmulator> {
  const env = options.env ?? process.env
  const port = localEmulatorPort(env)
  const stateDir = defaultStateDir(env)
  const dialled = endpointOf(port)
  const found = await proveAt(dialled, stateDir)
  const credentials = found.kind === 'proven' ? stateCredentials(stateDir) : undefined
  if (credentials) return {credentials, endpoint: dialled, started: false}
  if (found.kind !== 'silent') throw new RuntimeError(portHeldMessage(dialled, stateDir, found))
  // Nothing on the port: start one (or find the emulator of this state dir already running on another port).
  const {endpoint, started} = await startDaemon(stateDir, port)
  if (started) {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
    log(
      `mfbatch: started the local AWS Batch emulator at ${endpoint} in the background (state: ${stateDir}); ` +
        'stop it with: mfbatch emulator stop',
    )
  }

  return {credentials: await verifiedCredentials(endpoint, stateDir), endpoint, started}
}

/** The state dir's credentials, once the server at `endpoint` has proven it holds them and listens there. */
export async function verifiedCredentials(endpoint: string, stateDir: string): Promise<Credentials> {
  const found = await proveAt(endpoint, stateDir)
  const credentials = found.kind === 'proven' ? stateCredentials(stateDir) : undefined
  if (credentials) return credentials
  throw new RuntimeError(portHeldMessage(endpoint, stateDir, found))
}

/**
 * What `emulator env` prints: the variables for the emulator of `stateDir`, at the port its lock records (else its
 * pid file's, else `port`). Whatever answers there must prove it is that emulator listening there: the secret is
 * never exported with the address of something else. `answering` is false when nothing answers yet.
 */
export async function shellEnvironment(
  stateDir: string,
  port: number,
): Promise<{answering: boolean; env: EmulatorEnvironment}> {
  ensurePrivateDir(stateDir)
  const credentials = loadOrCreateCredentials(stateDir)
  const instance = readInstance(stateDir)
  const endpoint =
    instance?.port === undefined ? (readDaemon(stateDir)?.endpoint ?? endpointOf(port)) : endpointOf(instance.port)
  const found = await proveServer(endpoint, credentials.secretAccessKey)
  if (found.kind !== 'proven' && found.kind !== 'silent') {
    throw new RuntimeError(portHeldMessage(endpoint, stateDir, found, 'use another --port'))
  }

  return {answering: found.kind === 'proven', env: emulatorEnvironment(endpoint, credentials)}
}
