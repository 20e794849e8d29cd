/**
 * Runs dist/mfbatch.js with V8's code cache, the way Node 22's `module.enableCompileCache()` does for every module
 * (Node 20 has no such switch): the first run compiles the bundle and, as it exits, saves what V8 compiled;
 * later runs hand that back to V8 and skip most of the compiling (bench/README.md, B1).
 *
 * The cache file is keyed by the bundle's path, size and modification time and by the Node version, because V8
 * checks only the source's length: a rebuilt bundle gets a new file, and the old build's files are removed. V8 rejects a cache it cannot use (other
 * V8, other flags) and compiles as usual, so a stale or broken file costs one compile, never a wrong run.
 *
 * V8 does run whatever code a cache file holds when its length matches, so the file is code: it is used only when
 * it and its folder are the user's alone (src/files/private-files.ts: no link in the last step, owned by the user,
 * nobody else can write), and skipped silently otherwise (a skipped cache is only a slower start).
 */
import {isAscii} from 'node:buffer'
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'
import {Script} from 'node:vm'

import {readPrivateFile, replacePrivateFile} from '../files/private-files'

/**
 * 64-bit FNV-1a of `text`, as 16 hex digits: a file name, not a secret, and node:crypto alone would cost more
 * to load than this whole loader saves on some runs.
 */
export function hash(text: string): string {
  let h = 0xcb_f2_9c_e4_84_22_23_25n
  // eslint-disable-next-line no-bitwise -- FNV-1a is defined with xor
  for (const byte of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x1_00_00_00_01_b3n)
  return h.toString(16).padStart(16, '0')
}

/**
 * The file of the cache of `bundle` in `dir` for runs of one kind (`variant`, see loadWithCodeCache):
 * `<where the bundle is>-<which build and Node>-<variant>.v8`.
 */
export function cacheFileOf(bundle: string, dir: string, variant: string): string {
  const {mtimeMs, size} = statSync(bundle)
  const build = hash(`${size}\0${mtimeMs}\0${process.version}\0${process.arch}`)
  return join(dir, `${hash(bundle)}-${build}-${variant}.v8`)
}

/**
 * Removes the caches of earlier builds of the same bundle (a rebuild makes new ones), never another copy's; called
 * only once the folder has passed the check.
 */
function pruneOlderBuilds(file: string): void {
  const [where, build] = basename(file).split('-')
  try {
    for (const name of readdirSync(dirname(file))) {
      if (name.startsWith(`${where}-`) && !name.startsWith(`${where}-${build}-`)) rmSync(join(dirname(file), name))
    }
  } catch {
    // another run pruned it first, or the folder is not ours to clean
  }
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined
  try {
    return readPrivateFile(file)
  } catch {
    // someone else's file or folder, or unreadable: compiled as if there were none
    return undefined
  }
}

/** Writes atomically (a reader never sees half a file); a cache that cannot be written is only a slower start. */
function writeCache(file: string, data: Buffer): void {
  try {
    replacePrivateFile(file, data)
    pruneOlderBuilds(file)
  } catch {
    // read-only or full disk, or a folder that is not the user's alone: the next run compiles again
  }
}

/** How the code cache served one load: used it, had none (or a stale one) and will save one, or is off. */
export type CacheUse = 'hit' | 'miss' | 'off' | 'rejected'

export interface Loaded {
  cache: CacheUse
  exports: unknown
  /** Saves what V8 compiled so far, when this load had no usable cache; call it as late as possible. */
  save(): void
}

/**
 * Loads `bundle` as the CommonJS module it is, registered in require.cache under its own path so that oclif's
 * own `require()` of it (package.json names it for the commands and the help class) gets this same instance.
 * `cacheDir` undefined: no cache at all, a plain compile.
 *
 * A cache holds what its first run compiled, so each kind of run (`variant`: the command) has its own: a cache
 * made by `--version` would leave everything `submit` runs to be compiled on every submit.
 */
export function loadWithCodeCache(bundle: string, cacheDir: string | undefined, variant = 'main'): Loaded {
  const file = cacheDir === undefined ? undefined : cacheFileOf(bundle, cacheDir, variant)
  const cachedData = readCache(file)
  // No `import()` may run in the bundle (scripts/bundle.mjs turns them into require): Node 20 has no stable way
  // to give a vm.Script one, and none that survives the code cache.
  const script = new Script(Module.wrap(readSource(bundle)), {cachedData, filename: bundle})
  const mod = new Module(bundle, require.main)
  const requireHere = createRequire(bundle)
  mod.filename = bundle
  mod.paths = requireHere.resolve.paths('x') ?? []
  require.cache[bundle] = mod
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void
  wrapper.call(mod.exports, mod.exports, requireHere, mod, bundle, dirname(bundle))
  mod.loaded = true
  const cache: CacheUse =
    file === undefined ? 'off' : cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit'
  let saved = cache === 'hit' || cache === 'off'
  return {
    cache,
    exports: mod.exports,
    save() {
      if (saved || file === undefined) return
      saved = true
      writeCache(file, script.createCachedData())
    },
  }
}

/**
 * The file's text. The build writes pure ASCII (scripts/bundle.mjs), which is the same text read as Latin-1, and
 * reading it so skips decoding UTF-8 over the whole file; a file that is not ASCII is decoded as UTF-8.
 */
function readSource(file: string): string {
  const bytes = readFileSync(file)
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
}
