import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'

/**
 * The folder holding mfbatch's package.json (bin/, vendor/ and dist/ sit in it). Found by walking up from this
 * file rather than counted in `..`: the same code runs from src/ under the tests, from dist/mfbatch.js and from
 * the lazily loaded files in dist/chunks/, each at its own depth.
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`mfbatch: no package.json above ${from}`)
  }
}
