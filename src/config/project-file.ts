/**
 * Finds the project config file: cosmiconfig's search places under the module name `mfbatch`, from the working
 * directory upward to the home directory or the repository root (upward.ts), read with cosmiconfig's loaders.
 * The walk and the reading are ours: each folder and file must pass the trust check first (trust.ts), and what is
 * parsed is the text that was checked. (cosmiconfig's own search would also read a "meta config" from the working
 * directory, whoever wrote it, and its "global" strategy adds ~/.config/mfbatch, a layer DESIGN.md does not have.)
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {ConfigFile} from './sources'

import {tellOnce} from '../files/notices'
import {fileError, parseJsonText} from './parse'
import {folderDistrust, readTrustedText, skippedLine} from './trust'
import {projectDirs} from './upward'

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

/** How a skipped project file is named to the user. */
const WHAT = 'config file'

/**
 * The files of `dir` cosmiconfig could read, in its order (a package.json only when it has an "mfbatch" key: the
 * package.json of a project named mfbatch is no config file, wherever it is). Most directories have none, and then
 * nothing else is done there.
 */
function candidatesIn(dir: string): string[] {
  return SEARCH_PLACES.map((place) => path.join(dir, place)).filter((file) => {
    if (!existsSync(file)) return false
    if (path.basename(file) !== 'package.json') return true
    try {
      const text = readFileSync(file, 'utf8')
      return text.includes('"mfbatch"') && hasMfbatchKey(text)
    } catch {
      return true // unreadable: reading it reports why
    }
  })
}

/** Whether a package.json's text has the key; text that is not JSON counts, so that reading it reports why. */
function hasMfbatchKey(text: string): boolean {
  try {
    const json = JSON.parse(text) as unknown
    return typeof json === 'object' && json !== null && Object.hasOwn(json, 'mfbatch')
  } catch {
    return true
  }
}

/**
 * The settings in `file` (its checked `text`): null or undefined when it holds none (empty, or a package.json
 * without the key), which lets the search go on as cosmiconfig's does.
 */
async function loadConfig(file: string, text: string): Promise<unknown> {
  if (text.trim() === '') return undefined
  const extension = path.extname(file)
  if (path.basename(file) === 'package.json') {
    return (parseJsonText(file, text) as null | Record<string, unknown>)?.mfbatch ?? null
  }

  if (extension === '.json') return parseJsonText(file, text)
  // cosmiconfig (about 10 ms to load) only when a file needs one of its loaders.
  const {defaultLoaders} = await import('cosmiconfig')
  const loader = defaultLoaders[extension === '' ? '.yaml' : (extension as keyof typeof defaultLoaders)]
  try {
    return await loader(file, text)
  } catch (error) {
    throw fileError(file, error)
  }
}

/** readTrustedText, with a file this user may not read passed over as cosmiconfig's search does. */
function readable(file: string): ReturnType<typeof readTrustedText> {
  try {
    return readTrustedText(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') return 'missing'
    throw fileError(file, error)
  }
}

/**
 * The nearest trusted project config file, or null. A candidate in a folder or file another user could have
 * written is skipped and named through `skipped` (once on stderr by default), and the search goes on.
 */
export async function findProjectConfig(
  cwd: string,
  home: string,
  skipped: (line: string) => void = tellOnce,
): Promise<ConfigFile | null> {
  for (const dir of projectDirs(cwd, home)) {
    const candidates = candidatesIn(dir)
    if (candidates.length === 0) continue
    const folder = folderDistrust(dir)
    if (folder) {
      for (const file of candidates) skipped(skippedLine(WHAT, file, folder))
      continue
    }

    for (const file of candidates) {
      const read = readable(file)
      if (read === 'missing') continue
      if ('distrust' in read) {
        skipped(skippedLine(WHAT, file, read.distrust))
        continue
      }

      // eslint-disable-next-line no-await-in-loop -- the nearest file wins: the walk is sequential by nature
      const config = await loadConfig(file, read.text)
      if (config !== null && config !== undefined) return {config, filepath: file}
    }
  }

  return null
}
