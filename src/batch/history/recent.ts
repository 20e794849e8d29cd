/**
 * `last` and `last~N` wherever a job id is taken: the newest job this machine submitted to the endpoint and region
 * a command talks to (`last~1` the one before, and so on). Scripts should keep the id submit printed instead: `last`
 * moves as soon as anything else submits.
 */
import type {ResolvedSettings} from '../../config/types'

import {keptCacheDir} from '../../cache-dir'
import {localEmulatorIdentity} from '../../emulator/local-identity'
import {InputError} from '../../errors'
import {type HistoryEntry, recentAt, type Where, whereCallsGo} from './history'
import {HistoryStore} from './store'

const RECENT = /^last(?:~(\d{1,3}))?$/i

/** How far back `value` points (`last` 0, `last~2` 2), or undefined when it is not such a reference. */
export function recentIndex(value: string): number | undefined {
  const match = RECENT.exec(value.trim())
  return match ? Number(match[1] ?? 0) : undefined
}

/** Resolves `last~N` to a job id; the source and value go into the error when there is no such job. */
export type RecentResolver = (index: number, source: string, value: string) => string

export interface RecentJobs {
  entries: HistoryEntry[]
  resolve: RecentResolver
  where: Where
}

/** The history file of this environment (MFBATCH_CACHE_DIR; kept even with MFBATCH_NO_CACHE). */
export function historyStore(env: Readonly<Record<string, string | undefined>> = process.env): HistoryStore {
  return new HistoryStore(keptCacheDir(env))
}

/** The recent jobs at `where`, newest first, and the resolver for `last~N` over them. */
export function recentJobsAt(entries: readonly HistoryEntry[], where: Where): RecentJobs {
  const recent = recentAt(entries, where)
  const resolve: RecentResolver = (index, source, value) => {
    const entry = recent[index]
    if (entry) return entry.id
    const at = where.endpoint.startsWith('emulator:')
      ? `the emulator of ${where.endpoint.slice('emulator:'.length)}`
      : `${where.endpoint}${where.region ? ` (${where.region})` : ''}`
    const known =
      recent.length === 0
        ? `no job submitted from this machine to ${at} is remembered`
        : `only ${recent.length} job${recent.length === 1 ? ' is' : 's are'} remembered for ${at}`
    throw new InputError(`${source}: ${JSON.stringify(value)} is not allowed; ${known}; give a job id`)
  }

  return {entries: recent, resolve, where}
}

/** For a command: the history read once, scoped to where its settings send calls. */
export function recentJobs(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'region'>>,
  local: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RecentJobs {
  return recentJobsAt(historyStore(env).read(), whereOf(settings, local, env))
}

/** After a submit: its job appended to the history (never fails the submit). */
export function recordSubmitted(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'region'>>,
  local: boolean | undefined,
  job: {jobId: string; jobName: string; jobQueue: string},
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const where = whereOf(settings, local, env)
  historyStore(env).append({...where, at: Date.now(), id: job.jobId, name: job.jobName, queue: job.jobQueue})
}

function whereOf(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'region'>>,
  local: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Where {
  return whereCallsGo(settings, {emulator: () => localEmulatorIdentity(env), flag: local}, env)
}
