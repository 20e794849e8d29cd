/**
 * What bin/run.js calls (dist/startup.js, built on its own so it stays small): loads the bundled CLI through the
 * code cache and runs it. MFBATCH_CACHE_DIR moves the cache like the rest of mfbatch's cache; the code cache is
 * kept even under MFBATCH_NO_CACHE, which is about AWS answers, not about compiling.
 */
import {join} from 'node:path'

import {cacheDir, NO_CACHE_ENV} from '../cache-dir'
import {loadWithCodeCache} from './code-cache'

interface Cli {
  execute(options: {dir: string}): Promise<unknown>
}

/** The command a run starts with (its first word), or `root` for `--version`, `--help` and the like. */
export function cacheVariant(argv: readonly string[]): string {
  const [first = ''] = argv
  return /^[a-z][a-z-]{0,30}$/.test(first) ? first : 'root'
}

export function run(binDir: string): Promise<unknown> {
  const dir = cacheDir({...process.env, [NO_CACHE_ENV]: undefined})
  const bundle = join(__dirname, 'mfbatch.js')
  const loaded = loadWithCodeCache(bundle, dir && join(dir, 'v8'), cacheVariant(process.argv.slice(2)))
  // At exit, so the cache holds the functions this run compiled, not only the top level.
  process.once('exit', () => loaded.save())
  return (loaded.exports as Cli).execute({dir: binDir})
}
