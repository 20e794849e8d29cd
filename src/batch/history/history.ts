/**
 * The recent-jobs history, pure: one small JSON line per submitted job (id, name, queue, where it went, when), read
 * back tolerantly (a torn or foreign line is skipped) and filtered to the endpoint and region a command talks to.
 */
import type {ResolvedSettings} from '../../config/types'

/** Lines kept after a trim; a trim happens once the file holds twice as many. */
export const HISTORY_KEEP = 200
export const HISTORY_FILE = 'history.jsonl'

/** Where the calls go, readable: `aws` or an endpoint URL (`local:PORT` for --local), and the region. */
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

/** The endpoint and region from the settings and the variables the SDK reads itself, as openSubmitCache scopes. */
export function whereCallsGo(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'region'>>,
  local: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Where {
  const endpoint = local
    ? `local:${env.MFBATCH_EMULATOR_PORT || 'default'}`
    : (env.AWS_ENDPOINT_URL_BATCH ?? text(settings.endpointUrl?.value) ?? env.AWS_ENDPOINT_URL ?? 'aws')
  const region = text(settings.region?.value) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? ''
  return {endpoint: endpoint.replace(/\/+$/, ''), region}
}

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
