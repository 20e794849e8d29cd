/**
 * What `--local` means: the emulator on its default port, started in the background when none answers. The
 * defaults here (port, state dir) are the ones `mfbatch emulator` and `mfbatch emulator start|stop|status` use.
 */
import {homedir} from 'node:os'
import {join} from 'node:path'

import {InputError} from '../errors'
import {EMULATOR_DEFAULT_PORT} from './contract'
import {endpointOf, isHealthy, startDaemon} from './daemon'

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
  endpoint: string
  /** True when this call started it (and said so on `log`). */
  started: boolean
}

/**
 * The endpoint of the local emulator, starting a detached one when nothing answers its health check. Starting
 * says so in one line on `log` (stderr by default), with the state dir and how to stop it.
 */
export async function ensureLocalEmulator(
  options: {env?: NodeJS.ProcessEnv; log?: (line: string) => void} = {},
): Promise<LocalEmulator> {
  const env = options.env ?? process.env
  const port = localEmulatorPort(env)
  const endpoint = endpointOf(port)
  if (await isHealthy(endpoint)) return {endpoint, started: false}
  const stateDir = defaultStateDir(env)
  const result = await startDaemon(stateDir, port)
  if (result.started) {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
    log(
      `mfbatch: started the local AWS Batch emulator at ${result.endpoint} in the background (state: ${stateDir}); ` +
        'stop it with: mfbatch emulator stop',
    )
  }

  return {endpoint: result.endpoint, started: result.started}
}
