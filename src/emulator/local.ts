/**
 * What `--local` means: the emulator on its default port, started in the background when none answers. The
 * defaults here (port, state dir) are the ones `mfbatch emulator` and `mfbatch emulator start|stop|status` use.
 */
import {homedir} from 'node:os'
import {join} from 'node:path'

import type {Credentials} from './auth/keys'

import {InputError, RuntimeError} from '../errors'
import {readCredentialsIfAny} from './auth/credentials-file'
import {provesSecret} from './auth/prove-server'
import {EMULATOR_DEFAULT_PORT} from './contract'
import {endpointOf, isHealthy, startDaemon} from './daemon'
import {checkPrivateDir} from './state-dir'

/** Lets tests (and a second user on a shared host) move `--local` off the documented default port. */
export const PORT_ENV = 'MFBATCH_EMULATOR_PORT'

/** `$XDG_DATA_HOME/mfbatch/emulator`, else `~/.local/share/mfbatch/emulator` (the XDG base directory default). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(data, 'mfbatch', 'emulator')
}

/** The port of the local emulator: MFBATCH_EMULATOR_PORT when set, else the documented default. */
export function localEmulatorPort(env: NodeJS.ProcessEnv = process.env): number {
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
 * The endpoint and credentials of the local emulator, starting a detached one when nothing answers its health
 * check. Whatever answers must prove it holds the secret of the state dir's credentials file before anything is
 * sent to it. Starting says so in one line on `log` (stderr by default), with the state dir and how to stop it.
 */
export async function ensureLocalEmulator(
  options: {env?: NodeJS.ProcessEnv; log?: (line: string) => void} = {},
): Promise<LocalEmulator> {
  const env = options.env ?? process.env
  const port = localEmulatorPort(env)
  const stateDir = defaultStateDir(env)
  let endpoint = endpointOf(port)
  let started = false
  if (!(await isHealthy(endpoint))) {
    const result = await startDaemon(stateDir, port)
    ;({endpoint, started} = result)
    if (started) {
      const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
      log(
        `mfbatch: started the local AWS Batch emulator at ${endpoint} in the background (state: ${stateDir}); ` +
          'stop it with: mfbatch emulator stop',
      )
    }
  }

  return {credentials: await verifiedCredentials(endpoint, stateDir), endpoint, started}
}

/** The state dir's credentials, once the server at `endpoint` has proven it holds them. */
export async function verifiedCredentials(endpoint: string, stateDir: string): Promise<Credentials> {
  let credentials: Credentials | undefined
  try {
    checkPrivateDir(stateDir)
    credentials = readCredentialsIfAny(stateDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }

  if (credentials && (await provesSecret(endpoint, credentials.secretAccessKey))) return credentials
  const where = endpoint.replace(/^http:\/\//, '')
  throw new RuntimeError(
    `${where} answers, but it is not the emulator of ${stateDir}; nothing was sent to it. Stop what listens there ` +
      `(or the emulator of another state dir: mfbatch emulator stop --state-dir DIR), or set ${PORT_ENV} to a free port`,
  )
}
