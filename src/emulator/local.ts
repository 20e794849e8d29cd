/**
 * What `--local` means: the emulator on its default port, started in the background when none answers. The
 * defaults here (port, state dir) are the ones `mfbatch emulator` and `mfbatch emulator start|stop|status` use.
 */
import {realpathSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import type {Credentials} from './auth/keys'

import {InputError, RuntimeError} from '../errors'
import {loadOrCreateCredentials} from './auth/credentials-file'
import {proveServer} from './auth/prove-server'
import {EMULATOR_DEFAULT_PORT, PORT_ENV} from './contract'
import {endpointOf, proveAt, readDaemon, startDaemon, stateCredentials} from './daemon'
import {readInstance} from './instance-lock'
import {portHeldMessage} from './port-held'
import {emulatorEnvironment, type EmulatorEnvironment} from './shell-env'
import {ensurePrivateDir} from './state-dir'

export {PORT_ENV} from './contract'

/** `$XDG_DATA_HOME/mfbatch/emulator`, else `~/.local/share/mfbatch/emulator` (the XDG base directory default). */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const data = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(data, 'mfbatch', 'emulator')
}

/**
 * Which emulator `--local` means, as the history keys it: its state dir (the real path, however it is reached) and
 * its port (where it runs, from its lock or pid file, else where --local would start it). Reads two small files.
 */
export function localEmulatorIdentity(env: Readonly<Record<string, string | undefined>> = process.env): {
  port: number
  stateDir: string
} {
  const dir = defaultStateDir(env)
  let stateDir = resolve(dir)
  try {
    stateDir = realpathSync(dir)
  } catch {
    // Not made yet: its path as written.
  }

  let port: number | undefined
  try {
    port = readInstance(dir)?.port ?? readDaemon(dir)?.port
  } catch {
    port = undefined
  }

  if (port === undefined) {
    try {
      port = localEmulatorPort(env)
    } catch {
      // A bad MFBATCH_EMULATOR_PORT is --local's error to report, not the history's.
      port = EMULATOR_DEFAULT_PORT
    }
  }

  return {port, stateDir}
}

/** The port of the local emulator: MFBATCH_EMULATOR_PORT when set, else the documented default. */
export function localEmulatorPort(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[PORT_ENV]
  if (raw === undefined || raw === '') return EMULATOR_DEFAULT_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InputError(`${PORT_ENV}: ${JSON.stringify(raw)} is not allowed; use a port number from 1 to 65535`)
  }

  return port
}

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
