import {homedir} from 'node:os'
import path from 'node:path'

/**
 * mfbatch's cache directory: $MFBATCH_CACHE_DIR, else $XDG_CACHE_HOME/mfbatch, else ~/.cache/mfbatch. It holds the
 * submit cache (batch/submit/cache.ts), the recent-jobs history and V8's code cache of the bundle
 * (startup/code-cache.ts). Its own file so the start-up code can use it without the rest of the submit cache.
 */
export const CACHE_DIR_ENV = 'MFBATCH_CACHE_DIR'
export const NO_CACHE_ENV = 'MFBATCH_NO_CACHE'

/** The cache directory for this environment; undefined when MFBATCH_NO_CACHE turns the cache off. */
export function cacheDir(env: Readonly<Record<string, string | undefined>>, home = homedir()): string | undefined {
  const off = env[NO_CACHE_ENV]
  if (off !== undefined && off !== '' && off !== '0' && off.toLowerCase() !== 'false') return undefined
  if (env[CACHE_DIR_ENV]) return env[CACHE_DIR_ENV]
  const base = env.XDG_CACHE_HOME || path.join(home, '.cache')
  return path.join(base, 'mfbatch')
}

/**
 * The cache directory for what is kept even under MFBATCH_NO_CACHE, which is about AWS answers: the recent-jobs
 * history and V8's code cache.
 */
export function keptCacheDir(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  return cacheDir({...env, [NO_CACHE_ENV]: undefined}, home)!
}
