/**
 * What a submit remembers between runs, so that the next submit to the same queue with the same job definition is
 * one call (SubmitJob) instead of four (DescribeJobQueues, DescribeComputeEnvironments, DescribeJobDefinitions,
 * SubmitJob): the platform of each queue, and the ARN of each definition. A definition's name is a hash of its
 * content (definition/name.ts), so the same name means the same content.
 *
 * Entries are scoped to where the calls go (endpoint, `--local`, region, profile, access key id; hashed, nothing of
 * it readable in the file) and trusted until AWS says otherwise: when SubmitJob rejects a submit made with cached
 * entries (a 4xx: queue or definition unknown, inactive, or of the other platform), those entries are dropped and
 * the submit is made again the long way, once. A rejected SubmitJob made no job, so this cannot make two. Entries
 * older than a week are not used, and the file keeps the 500 most recent of each kind.
 *
 * It also remembers which notes were said for a scope (the queue a submit took when none is set), so a note that
 * matters once per endpoint is not repeated on every submit.
 *
 * Where: $MFBATCH_CACHE_DIR, else $XDG_CACHE_HOME/mfbatch, else ~/.cache/mfbatch, file `submit.json`.
 * MFBATCH_NO_CACHE=1 turns it off. A cache that cannot be read or written is no cache: it never fails a submit.
 * The file (0600) and its folder (0700) are the user's alone (src/files): a cache another user could have written
 * is not used, and the user hears once what to fix.
 */
import {createHash} from 'node:crypto'
import path from 'node:path'

import type {ResolvedSettings} from '../../config/types'
import type {Platform} from '../definition/job-spec'

import {readCacheFile, replaceCacheFile} from '../../files/cache-files'
import {errorName, isTransient} from '../pacing'

export {CACHE_DIR_ENV, cacheDir, NO_CACHE_ENV} from '../../cache-dir'
import {cacheDir} from '../../cache-dir'
export const CACHE_FILE = 'submit.json'
/** How the file is named when it cannot be used. */
const LABEL = 'the submit cache'
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000
export const MAX_ENTRIES = 500

export interface QueueEntry {
  /** Epoch ms when AWS last confirmed it. */
  at: number
  platform: Platform
  /** The queue's name as AWS spells it (the user may have given its ARN). */
  queue: string
}

export interface DefinitionEntry {
  arn: string
  at: number
}

export interface CacheData {
  definitions: Record<string, DefinitionEntry>
  /** Notes already said for a scope, keyed like the rest: when. */
  notes: Record<string, {at: number}>
  queues: Record<string, QueueEntry>
  version: 1
}

export const emptyCache = (): CacheData => ({definitions: {}, notes: {}, queues: {}, version: 1})

/** Where the calls go, as a short hash: a queue named "q" in one account or region is not "q" in another. */
export function cacheScope(parts: {
  accessKeyId?: string
  endpoint?: string
  local?: string
  profile?: string
  region?: string
}): string {
  const text = [parts.endpoint, parts.local, parts.region, parts.profile, parts.accessKeyId]
    .map((p) => p ?? '')
    .join('\n')
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

const key = (scope: string, name: string): string => `${scope}/${name}`

export function isFresh(entry: undefined | {at: number}, now: number, maxAgeMs = MAX_AGE_MS): boolean {
  return entry !== undefined && now - entry.at >= 0 && now - entry.at <= maxAgeMs
}

export function cachedQueue(data: CacheData, scope: string, queue: string, now: number): QueueEntry | undefined {
  const entry = data.queues[key(scope, queue)]
  return isFresh(entry, now) ? entry : undefined
}

export function cachedDefinition(data: CacheData, scope: string, name: string, now: number): string | undefined {
  const entry = data.definitions[key(scope, name)]
  return isFresh(entry, now) ? entry.arn : undefined
}

export interface Confirmed {
  definition?: {arn: string; name: string}
  /** `asked`: the name or ARN the user gave, the key a later submit looks up. */
  queue?: {asked: string; platform: Platform; queue: string}
}

/** A new cache with what AWS just confirmed, old entries dropped and each kind cut to the MAX_ENTRIES most recent. */
export function remember(data: CacheData, scope: string, confirmed: Confirmed, now: number): CacheData {
  const queues = {...data.queues}
  const definitions = {...data.definitions}
  if (confirmed.queue) {
    const {asked, platform, queue} = confirmed.queue
    queues[key(scope, asked)] = {at: now, platform, queue}
  }

  if (confirmed.definition)
    definitions[key(scope, confirmed.definition.name)] = {arn: confirmed.definition.arn, at: now}
  return {definitions: prune(definitions, now), notes: data.notes, queues: prune(queues, now), version: 1}
}

/** Whether `note` was said for this scope within the last week. */
export function wasSaid(data: CacheData, scope: string, note: string, now: number): boolean {
  return isFresh(data.notes[key(scope, note)], now)
}

/** A new cache that records `note` as said now. */
export function said(data: CacheData, scope: string, note: string, now: number): CacheData {
  return {...data, notes: prune({...data.notes, [key(scope, note)]: {at: now}}, now)}
}

/** A new cache without the entries a rejected submit used. */
export function forget(data: CacheData, scope: string, names: {definition?: string; queue?: string}): CacheData {
  const queues = {...data.queues}
  const definitions = {...data.definitions}
  if (names.queue !== undefined) delete queues[key(scope, names.queue)]
  if (names.definition !== undefined) delete definitions[key(scope, names.definition)]
  return {definitions, notes: data.notes, queues, version: 1}
}

function prune<T extends {at: number}>(entries: Record<string, T>, now: number): Record<string, T> {
  const kept = Object.entries(entries)
    .filter(([, entry]) => isFresh(entry, now))
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, MAX_ENTRIES)
  return Object.fromEntries(kept)
}

/**
 * Whether AWS refused the request as it was (a 4xx other than throttling): a cached queue or definition that no
 * longer fits may be why, and the request surely made nothing. Throttling, 5xx and the network are not: the
 * exactly-once machinery of once.ts deals with those.
 */
export function isRejection(error?: unknown): boolean {
  if (!error || typeof error !== 'object' || isTransient(error)) return false
  const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode
  return errorName(error) === 'ClientException' || (status !== undefined && status >= 400 && status < 500)
}

/** Reads a cache file; anything missing, unreadable or of another shape is an empty cache. */
export function parseCache(text: string | undefined): CacheData {
  if (!text) return emptyCache()
  try {
    const data = JSON.parse(text) as Partial<CacheData>
    if (data.version !== 1 || typeof data.queues !== 'object' || typeof data.definitions !== 'object') {
      return emptyCache()
    }

    const notes = typeof data.notes === 'object' && data.notes !== null ? data.notes : {}
    return {definitions: data.definitions ?? {}, notes, queues: data.queues ?? {}, version: 1}
  } catch {
    return emptyCache()
  }
}

/** The cache file of one scope, read once and written back after each change. */
export class SubmitCache {
  private data: CacheData | undefined

  constructor(
    readonly file: string,
    readonly scope: string,
    private readonly now: () => number = Date.now,
  ) {}

  definition(name: string): string | undefined {
    return cachedDefinition(this.load(), this.scope, name, this.now())
  }

  /** True the first time `note` comes up for this scope (then recorded as said), false after that. */
  firstTime(note: string): boolean {
    if (wasSaid(this.load(), this.scope, note, this.now())) return false
    this.save(said(this.load(), this.scope, note, this.now()))
    return true
  }

  forget(names: {definition?: string; queue?: string}): void {
    this.save(forget(this.load(), this.scope, names))
  }

  queue(asked: string): QueueEntry | undefined {
    return cachedQueue(this.load(), this.scope, asked, this.now())
  }

  remember(confirmed: Confirmed): void {
    this.save(remember(this.load(), this.scope, confirmed, this.now()))
  }

  private load(): CacheData {
    if (this.data) return this.data
    let text: string | undefined
    try {
      text = readCacheFile(this.file, LABEL)
    } catch {
      text = undefined
    }

    this.data = parseCache(text)
    return this.data
  }

  /** Written to a temporary file and renamed, so a reader never sees half a file; errors are ignored. */
  private save(data: CacheData): void {
    this.data = data
    try {
      replaceCacheFile(this.file, `${JSON.stringify(data)}\n`, LABEL)
    } catch {
      // A read-only or full disk: the next submit takes the long way, that is all.
    }
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

/**
 * The submit cache for these settings and this environment, or undefined when it is turned off. The scope also
 * takes what the SDK reads by itself (AWS_ENDPOINT_URL_BATCH, AWS_ACCESS_KEY_ID, AWS_PROFILE, the emulator port).
 */
export function openSubmitCache(
  settings: Partial<Pick<ResolvedSettings, 'endpointUrl' | 'profile' | 'region'>>,
  local: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SubmitCache | undefined {
  const dir = cacheDir(env)
  if (!dir) return undefined
  const scope = cacheScope({
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    endpoint: env.AWS_ENDPOINT_URL_BATCH ?? text(settings.endpointUrl?.value),
    local: local ? `local:${env.MFBATCH_EMULATOR_PORT ?? ''}` : undefined,
    profile: text(settings.profile?.value) ?? env.AWS_PROFILE,
    region: text(settings.region?.value) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
  })
  return new SubmitCache(path.join(dir, CACHE_FILE), scope)
}
