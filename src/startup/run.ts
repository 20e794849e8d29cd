/**
 * What bin/run.js calls (dist/startup.js, built on its own so it stays small): loads the bundled CLI through the
 * code cache and runs it. MFBATCH_CACHE_DIR moves the cache like the rest of mfbatch's cache; the code cache is
 * kept even under MFBATCH_NO_CACHE, which is about AWS answers, not about compiling.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {keptCacheDir} from '../cache-dir'
import {loadWithCodeCache} from './code-cache'

interface Cli {
  execute(options: {loadOptions: {devPlugins: boolean; root: string; userPlugins: boolean}}): Promise<unknown>
}

/**
 * oclif's Config options for an installed mfbatch: no user or linked plugins (oclif would load any plugin named in
 * $XDG_DATA_HOME/mfbatch/package.json and run its hooks, so whoever can write there would run code as the user) and
 * no dev plugins. mfbatch has no `plugins` commands; everything it runs is in dist/.
 */
export const loadOptions = (root: string) => ({devPlugins: false, root, userPlugins: false})

/** The command a run starts with (its first word), or `root` for `--version`, `--help` and the like. */
export function cacheVariant(argv: readonly string[]): string {
  const [first = ''] = argv
  return /^[a-z][a-z-]{0,30}$/.test(first) ? first : 'root'
}

/**
 * `mfbatch --version` and `-v` alone print oclif's own line (`config.userAgent`: name/version platform-arch
 * node-version) without loading the CLI at all: the one answer that needs nothing but package.json, asked by
 * scripts and bug reports far more often than it changes. WSL is left to oclif, which names that platform `wsl`.
 * `mfbatch version` goes through oclif and prints the same line (test/e2e/typos.test.ts compares them).
 */
export function versionLine(argv: readonly string[], packageRoot: string): string | undefined {
  if (argv.length !== 1 || (argv[0] !== '--version' && argv[0] !== '-v')) return undefined
  if (process.platform === 'linux' && process.env.WSL_DISTRO_NAME) return undefined
  const {name, version} = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as Record<string, string>
  return `${name}/${version} ${process.platform}-${process.arch} node-${process.version}`
}

const codeCacheDir = (): string => join(keptCacheDir(process.env), 'v8')

/**
 * A file of dist/chunks/ (the SDK, the emulator, tar, ora), loaded by the bundle when it first needs it, through the
 * code cache like the bundle; its exports. Saved at exit like the bundle's.
 */
export function loadChunk(file: string): unknown {
  const loaded = loadWithCodeCache(file, codeCacheDir(), 'chunk')
  process.once('exit', () => loaded.save())
  return loaded.exports
}

export function run(binDir: string): Promise<unknown> {
  const line = versionLine(process.argv.slice(2), join(binDir, '..'))
  if (line !== undefined) {
    process.stdout.write(`${line}\n`)
    return Promise.resolve()
  }

  const bundle = join(__dirname, 'mfbatch.js')
  const loaded = loadWithCodeCache(bundle, codeCacheDir(), cacheVariant(process.argv.slice(2)))
  // At exit, so the cache holds the functions this run compiled, not only the top level.
  process.once('exit', () => loaded.save())
  return (loaded.exports as Cli).execute({loadOptions: loadOptions(binDir)})
}
