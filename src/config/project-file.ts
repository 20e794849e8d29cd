/**
 * Finds the project config file with cosmiconfig, from the working directory upward to the filesystem root.
 * The walk is ours (cosmiconfig's "global" strategy stops at the real home directory and then also reads
 * ~/.config/mfbatch, a layer DESIGN.md does not have); cosmiconfig reads each directory's search places in order.
 */
import {cosmiconfig, defaultLoaders, type Loader} from 'cosmiconfig'

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

const loadYaml: Loader = async (filepath, content) => {
  try {
    return await defaultLoaders['.yaml'](filepath, content)
  } catch (error) {
    throw fileError(filepath, error)
  }
}

export async function findProjectConfig(cwd: string): Promise<ConfigFile | null> {
  const explorer = cosmiconfig('mfbatch', {
    cache: false,
    loaders: {'.json': loadJson, '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml},
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
  })
  for (const dir of upward(cwd)) {
    let result
    try {
      // eslint-disable-next-line no-await-in-loop -- the nearest directory wins: the walk is sequential by nature
      result = await explorer.search(dir)
    } catch (error) {
      throw fileError((error as {filepath?: string}).filepath ?? dir, error)
    }

    if (result && !result.isEmpty) return {config: result.config, filepath: result.filepath}
  }

  return null
}
