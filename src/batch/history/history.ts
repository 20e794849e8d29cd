/**
 * The recent-jobs history, pure: one small JSON line per submitted job (id, name, queue, where it went, when), read
 * back tolerantly (a torn or foreign line is skipped) and filtered to the endpoint and region a command talks to.
 */
import type {ResolvedSettings} from '../../config/types'

/** Lines kept after a trim; a trim happens once the file holds twice as many. */
export const HISTORY_KEEP = 200
export const HISTORY_FILE = 'history.jsonl'

/**
 * Where the calls go, as the key of the history: `aws` or a normalised endpoint URL with the region, or
 * `emulator:<state dir>` (region empty) for the local emulator, however it is reached (--local, or its
 * AWS_ENDPOINT_URL after `eval "$(mfbatch emulator env)"`): it answers in any region, so the region cannot tell its
 * jobs apart.
 */
export interface Where {
  endpoint: string
  region: string
}

export interface HistoryEntry extends Where {
  /** Epoch ms of the submit. */
  at: number
  id: string
  name: string
  queue: string
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

/** What decides which emulator is the local one: its state dir and the port it listens on (or would). */
export interface LocalEmulatorIdentity {
  /** The port of the emulator of `stateDir`: where it runs, else where --local would start it. */
  port: number
  stateDir: string
}

/**
 * The endpoint and region from the settings and the variables the SDK reads itself. `local` describes the local
 * emulator (see recent.ts); an endpoint URL on a loopback address and its port is that emulator too.
 */
export function whereCallsGo(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'region'>>,
  local: {emulator: () => LocalEmulatorIdentity; flag: boolean | undefined},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Where {
  const emulator = (): Where => ({endpoint: `emulator:${local.emulator().stateDir}`, region: ''})
  if (local.flag) return emulator()
  const raw = env.AWS_ENDPOINT_URL_BATCH ?? text(settings.endpointUrl?.value) ?? env.AWS_ENDPOINT_URL
  const region = text(settings.region?.value) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? ''
  if (raw === undefined) return {endpoint: 'aws', region}
  const url = parseUrl(raw)
  if (!url) return {endpoint: raw.replace(/\/+$/, ''), region}
  if (isLoopback(url) && url.protocol === 'http:' && Number(url.port || 80) === local.emulator().port) return emulator()
  return {endpoint: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, region}
}

function parseUrl(raw: string): undefined | URL {
  try {
    return new URL(raw)
  } catch {
    return undefined
  }
}

const isLoopback = (url: URL): boolean =>
  url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)

export function formatEntry(entry: HistoryEntry): string {
  const {at, endpoint, id, name, queue, region} = entry
  return `${JSON.stringify({at, endpoint, id, name, queue, region})}\n`
}

function isEntry(value: unknown): value is HistoryEntry {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return (
    typeof v.at === 'number' &&
    ['endpoint', 'id', 'name', 'queue', 'region'].every((key) => typeof v[key] === 'string') &&
    (v.id as string).length > 0
  )
}

/** Every well-formed line, in file order (oldest first). */
export function parseHistory(content: string): HistoryEntry[] {
  const entries: HistoryEntry[] = []
  for (const line of content.split('\n')) {
    if (!line.trim()) continue
    try {
      const value: unknown = JSON.parse(line)
      if (isEntry(value)) entries.push(value)
    } catch {
      // A line torn by a crash mid-write: skipped, the others stand.
    }
  }

  return entries
}

/** The jobs submitted to `where`, newest first, each id once. */
export function recentAt(entries: readonly HistoryEntry[], where: Where): HistoryEntry[] {
  const seen = new Set<string>()
  const out: HistoryEntry[] = []
  for (const entry of [...entries].sort((a, b) => b.at - a.at)) {
    if (entry.endpoint !== where.endpoint || entry.region !== where.region || seen.has(entry.id)) continue
    seen.add(entry.id)
    out.push(entry)
  }

  return out
}

/** The newest HISTORY_KEEP lines of the file, as text to write back. */
export function trimmed(content: string, keep = HISTORY_KEEP): string {
  const lines = content.split('\n').filter((line) => line.trim())
  return lines.length <= keep ? lines.map((l) => `${l}\n`).join('') : `${lines.slice(-keep).join('\n')}\n`
}
