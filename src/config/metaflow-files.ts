/**
 * Reads Metaflow's own config files, so mfbatch starts from the settings a Metaflow user already has:
 * the local `.metaflow/config.json` of the project, and the global `$METAFLOW_HOME/config[_$METAFLOW_PROFILE].json`.
 */
import {existsSync} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import type {ConfigFile} from './sources'

import {InputError, invalid} from '../errors'
import {tellOnce} from '../files/notices'
import {parseJsonText} from './parse'
import {folderDistrust, readTrustedText, skippedLine} from './trust'
import {projectDirs} from './upward'

/** How a skipped local Metaflow config is named to the user. */
const WHAT = 'Metaflow config'

/**
 * `.metaflow/config.json` in the first directory upward (to the home directory or the repository root, as the
 * project file) that has a `.metaflow/` folder; that folder decides. A `.metaflow` another user could have made or
 * changed (it, or the folder it is in, not the user's or root's, or writable by others) is passed over as if it
 * were not there, and named through `skipped` when it holds a config.json.
 */
export async function findMetaflowLocal(
  cwd: string,
  home: string,
  skipped: (line: string) => void = tellOnce,
): Promise<ConfigFile | null> {
  for (const dir of projectDirs(cwd, home)) {
    const folder = path.join(dir, '.metaflow')
    // eslint-disable-next-line no-await-in-loop -- the nearest folder wins: the walk is sequential by nature
    if (!(await isDirectory(folder))) continue
    const file = path.join(folder, 'config.json')
    const distrust = folderDistrust(dir) ?? folderDistrust(folder)
    if (distrust === undefined) return readTrustedJsonFile(file, skipped)
    if (existsSync(file)) skipped(skippedLine(WHAT, file, distrust))
  }

  return null
}

/** readJsonFile for a file in a trusted folder: one that fails the check itself is skipped (null) and named. */
function readTrustedJsonFile(file: string, skipped: (line: string) => void): ConfigFile | null {
  let read
  try {
    read = readTrustedText(file)
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }

  if (read === 'missing') return null
  if ('distrust' in read) {
    skipped(skippedLine(WHAT, file, read.distrust))
    return null
  }

  return {config: parseJsonText(file, read.text), filepath: file}
}

/**
 * Metaflow's rule: a named profile must exist (Metaflow exits when it does not), while a missing default
 * config.json just means "no settings". METAFLOW_HOME may start with `~` and may be relative to the cwd.
 */
export async function readMetaflowGlobal(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  cwd: string,
): Promise<ConfigFile | null> {
  const root = path.resolve(cwd, expandHome(env.METAFLOW_HOME || '~/.metaflowconfig', home))
  const profile = env.METAFLOW_PROFILE
  if (!profile) return readJsonFile(path.join(root, 'config.json'))
  // A name, not a path: `../x` would read a file outside METAFLOW_HOME (path.join resolves the `..` itself).
  if (/[/\\]|^\.\.?$/.test(profile)) {
    throw invalid(
      'METAFLOW_PROFILE',
      profile,
      'use a profile name; it names the file config_NAME.json in METAFLOW_HOME',
    )
  }

  const filepath = path.join(root, `config_${profile}.json`)
  const file = await readJsonFile(filepath)
  if (!file) {
    throw new InputError(`METAFLOW_PROFILE=${profile}: ${filepath} does not exist; create it or unset METAFLOW_PROFILE`)
  }

  return file
}

/** null when the file does not exist; an InputError naming the file when it cannot be read or parsed. */
async function readJsonFile(filepath: string): Promise<ConfigFile | null> {
  let text: string
  try {
    text = await readFile(filepath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new InputError(`${filepath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }

  return {config: parseJsonText(filepath, text), filepath}
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory()
  } catch {
    return false
  }
}

function expandHome(dir: string, home: string): string {
  if (dir === '~') return home
  return dir.startsWith('~/') ? path.join(home, dir.slice(2)) : dir
}
