/**
 * Finds the project config file with cosmiconfig, from the working directory upward to the filesystem root.
 * The walk is ours (cosmiconfig's "global" strategy stops at the real home directory and then also reads
 * ~/.config/mfbatch, a layer DESIGN.md does not have); cosmiconfig reads each directory's search places in order.
 */
import type {Loader} from 'cosmiconfig'

import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {ConfigFile} from './sources'

import {fileError, parseJsonText} from './parse'
import {upward} from './upward'

/** No `.ts` places: cosmiconfig would load the TypeScript compiler for them (+1.1 s, DESIGN.md section 9). */
export const SEARCH_PLACES = [
  'package.json',
  '.mfbatchrc',
  '.mfbatchrc.json',
  '.mfbatchrc.yaml',
  '.mfbatchrc.yml',
  'mfbatch.config.js',
  'mfbatch.config.cjs',
  'mfbatch.config.mjs',
] as const

const loadJson: Loader = (filepath, content) => parseJsonText(filepath, content)

/**
 * cosmiconfig (about 10 ms to load) with our loaders, made the first time a directory has a file it could read.
 */
async function explorer() {
  const {cosmiconfig, defaultLoaders} = await import('cosmiconfig')
  const loadYaml: Loader = async (filepath, content) => {
    try {
      return await defaultLoaders['.yaml'](filepath, content)
    } catch (error) {
      throw fileError(filepath, error)
    }
  }

  return cosmiconfig('mfbatch', {
    cache: false,
    loaders: {'.json': loadJson, '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml},
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
  })
}

/**
 * Whether cosmiconfig could find anything in `dir`: one of the search places exists (a package.json only when it
 * mentions "mfbatch"). Most directories have none, and then cosmiconfig is not even loaded.
 */
function worthSearching(dir: string): boolean {
  return SEARCH_PLACES.some((place) => {
    const file = path.join(dir, place)
    if (!existsSync(file)) return false
    if (place !== 'package.json') return true
    try {
      return readFileSync(file, 'utf8').includes('"mfbatch"')
    } catch {
      return true // unreadable: let cosmiconfig report it
    }
  })
}

export async function findProjectConfig(cwd: string): Promise<ConfigFile | null> {
  let search: Awaited<ReturnType<typeof explorer>> | undefined
  for (const dir of upward(cwd)) {
    if (!worthSearching(dir)) continue
    // eslint-disable-next-line no-await-in-loop -- once, at the first directory that has a candidate
    search ??= await explorer()
    let result
    try {
      // eslint-disable-next-line no-await-in-loop -- the nearest directory wins: the walk is sequential by nature
      result = await search.search(dir)
    } catch (error) {
      throw fileError((error as {filepath?: string}).filepath ?? dir, error)
    }

    if (result && !result.isEmpty) return {config: result.config, filepath: result.filepath}
  }

  return null
}
