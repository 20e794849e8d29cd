import type {ResolvedSettings, Sourced} from './config/types'
import type {Credentials} from './emulator/auth/keys'

import {type ClientOptions, type Clients, createClients, createS3} from './batch/clients'
import {EMULATOR_DEFAULT_REGION} from './emulator/contract'
import {endpointOf} from './emulator/daemon'
import {ensureLocalEmulator, localEmulatorPort, PORT_ENV} from './emulator/local'
import {InputError, invalid} from './errors'

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
  startLocal?: (options: {log: (line: string) => void}) => Promise<LocalTarget>
}

/** Where `--local` sends requests, and the emulator's own credentials it signs them with. */
export interface LocalTarget {
  credentials: Credentials
  endpoint: string
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

/** A region is one DNS label of the endpoint's host name (us-east-1, eu-central-2, us-gov-west-1). */
const REGION = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/

/**
 * The region and endpoint as the SDK would take them, checked before any client is built: a bad value is bad
 * input naming its source (exit 2), not an SDK error after start-up (exit 1).
 */
function checkConnection(resolved: Pick<ResolvedSettings, 'endpointUrl' | 'profile' | 'region'>): void {
  // A config file may hold any JSON: a number or an object here would otherwise be dropped without a word.
  for (const [setting, allowed] of [
    [resolved.region, 'use an AWS region such as us-east-1'],
    [resolved.profile, 'use the name of a profile in ~/.aws/config'],
    [resolved.endpointUrl, 'use an http:// or https:// URL'],
  ] as const) {
    const {value} = setting
    if (value !== undefined && value !== null && typeof value !== 'string')
      throw invalid(setting.origin.label, value, allowed)
  }

  const region = text(resolved.region.value)
  if (region !== undefined && !REGION.test(region)) {
    throw invalid(resolved.region.origin.label, region, 'use an AWS region such as us-east-1')
  }

  const endpoint = text(resolved.endpointUrl.value)
  if (endpoint === undefined) return
  let url: undefined | URL
  try {
    url = new URL(endpoint)
  } catch {
    url = undefined
  }

  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    const allowed = 'use an http:// or https:// URL without user or password, such as http://127.0.0.1:4589'
    // A URL with credentials in it is never echoed.
    throw invalid(resolved.endpointUrl.origin.label, url?.password || url?.username ? '****' : endpoint, allowed)
  }
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
  checkConnection(resolved)
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

/**
 * The settings as `--local` makes them, for `mfbatch config --local`: the local emulator's endpoint, and its region
 * when none is set. Nothing is started or asked: config makes no call.
 */
export function localSettings(resolved: ResolvedSettings, env: NodeJS.ProcessEnv = process.env): ResolvedSettings {
  if (resolved.endpointUrl.origin.kind === 'flag') {
    throw new InputError('--local and --endpoint-url: use one or the other')
  }

  const label = env[PORT_ENV] ? `--local (${PORT_ENV})` : '--local'
  const endpointUrl: Sourced = {origin: {kind: 'flag', label}, value: endpointOf(localEmulatorPort(env))}
  const out: ResolvedSettings = {...resolved, endpointUrl}
  if (text(resolved.region.value) === undefined) {
    out.region = {origin: {kind: 'flag', label: "--local (the emulator's region)"}, value: EMULATOR_DEFAULT_REGION}
  }

  return out
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`)
}

/**
 * Pure: the SDK client options for these settings, once the local emulator (if any) is known. Against the emulator
 * only its own credentials sign, never the default chain or a profile: its keys must not reach whatever listens on
 * a local port.
 */
export function clientOptions(
  settings: ConnectSettings,
  local: LocalTarget | undefined,
  trace: (line: string) => void,
): ClientOptions {
  const localEndpoint = local?.endpoint
  const endpoint = localEndpoint ?? settings.endpointUrl?.value
  return {
    ...(local ? {credentials: local.credentials} : {}),
    ...(endpoint ? {endpoint} : {}),
    ...(settings.maxAttempts ? {maxAttempts: settings.maxAttempts} : {}),
    ...(settings.profile && !local ? {profile: settings.profile} : {}),
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

  const local = settings.local ? await (deps.startLocal ?? ensureLocalEmulator)({log}) : undefined
  const options = clientOptions(settings, local, log)
  if (settings.verbose) {
    const where = local ? '--local' : settings.endpointUrl?.source
    const endpoint = options.endpoint
      ? `${options.endpoint} (from ${where})`
      : 'the SDK default (AWS_ENDPOINT_URL* if set)'
    log(`aws endpoint ${endpoint}, region ${options.region ?? 'from the SDK chain'}`)
  }

  // clients.ts loads the SDK itself, lazily, so importing it here costs nothing on paths that never connect.
  const clients = await (deps.create ?? createClients)(options)
  // S3 (code packages) with the same options, loaded only when asked for.
  return {s3: () => createS3(options), ...clients}
}
