import type {ResolvedSettings} from './config/types'

import {type ClientOptions, type Clients, createClients} from './batch/clients'
import {EMULATOR_DEFAULT_REGION} from './emulator/contract'
import {ensureLocalEmulator} from './emulator/local'
import {InputError} from './errors'

/**
 * The step every AWS-bound command takes after parsing: settled connection settings in, SDK clients out (through
 * `createClients`, the one door to AWS). It owns what `--local` and `--verbose` mean.
 */
export interface ConnectSettings {
  /** Resolved from `--endpoint-url`, AWS_ENDPOINT_URL* or config; `source` names where, for messages. */
  endpointUrl?: {source: string; value: string}
  local?: boolean
  maxAttempts?: number
  profile?: string
  region?: string
  verbose?: boolean
}

export interface ConnectDeps {
  create?: (options: ClientOptions) => Promise<Clients>
  /** Where `--verbose` and `--local` notes go; stderr by default. */
  log?: (line: string) => void
  /** Finds or starts the local emulator for `--local`. */
  startLocal?: (options: {log: (line: string) => void}) => Promise<{endpoint: string}>
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

/**
 * The connection settings from resolved settings and the `--local`/`--verbose` flags. An endpoint that came from an
 * environment variable is left to the SDK, which reads the per-service variables itself
 * (AWS_ENDPOINT_URL_BATCH, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS): passing one value on would send both services to it.
 */
export function connectSettings(
  resolved: Pick<ResolvedSettings, 'endpointUrl' | 'profile' | 'region'>,
  flags: {local?: boolean; verbose?: boolean},
): ConnectSettings {
  const endpoint = text(resolved.endpointUrl.value)
  const {origin} = resolved.endpointUrl
  return {
    ...(endpoint && origin.kind !== 'env' ? {endpointUrl: {source: origin.label, value: endpoint}} : {}),
    ...(flags.local ? {local: true} : {}),
    ...(text(resolved.profile.value) ? {profile: text(resolved.profile.value)} : {}),
    ...(text(resolved.region.value) ? {region: text(resolved.region.value)} : {}),
    ...(flags.verbose ? {verbose: true} : {}),
  }
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Pure: the SDK client options for these settings, once the local endpoint (if any) is known. */
export function clientOptions(
  settings: ConnectSettings,
  localEndpoint: string | undefined,
  trace: (line: string) => void,
): ClientOptions {
  const endpoint = localEndpoint ?? settings.endpointUrl?.value
  return {
    ...(endpoint ? {endpoint} : {}),
    ...(settings.maxAttempts ? {maxAttempts: settings.maxAttempts} : {}),
    ...(settings.profile ? {profile: settings.profile} : {}),
    // The emulator answers in any region, but the SDK refuses to start without one.
    ...(settings.region ? {region: settings.region} : localEndpoint ? {region: EMULATOR_DEFAULT_REGION} : {}),
    ...(settings.verbose ? {trace} : {}),
  }
}

export async function connect(settings: ConnectSettings, deps: ConnectDeps = {}): Promise<Clients> {
  const log = deps.log ?? stderrLine
  if (settings.local && settings.endpointUrl?.source === '--endpoint-url') {
    throw new InputError('--local and --endpoint-url: use one or the other')
  }

  let localEndpoint: string | undefined
  if (settings.local) {
    localEndpoint = (await (deps.startLocal ?? ensureLocalEmulator)({log})).endpoint
    useLocalCredentials(process.env)
  }

  const options = clientOptions(settings, localEndpoint, log)
  if (settings.verbose) {
    const where = localEndpoint ? '--local' : settings.endpointUrl?.source
    const endpoint = options.endpoint
      ? `${options.endpoint} (from ${where})`
      : 'the SDK default (AWS_ENDPOINT_URL* if set)'
    log(`aws endpoint ${endpoint}, region ${options.region ?? 'from the SDK chain'}`)
  }

  // clients.ts loads the SDK itself, lazily, so importing it here costs nothing on paths that never connect.
  return (deps.create ?? createClients)(options)
}

/**
 * The emulator accepts any signature, but the SDK will not send a request without credentials. When none are in the
 * environment we give it placeholders; they shadow a profile's keys, which is harmless because only the emulator
 * receives them.
 */
function useLocalCredentials(env: NodeJS.ProcessEnv): void {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return
  env.AWS_ACCESS_KEY_ID = 'mfbatch-local'
  env.AWS_SECRET_ACCESS_KEY = 'mfbatch-local'
}
