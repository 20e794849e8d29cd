/**
 * Shape checks for config files once they are parsed. Pure, so the resolver applies them to whatever it is given
 * and the tests can feed objects directly; finding and parsing the files is load.ts's job.
 */
import {InputError} from '../errors'
import {isPlainObject} from './coerce'
import {closest} from './suggest'
import {SETTING_NAMES} from './types'

/** A parsed config file: what cosmiconfig returns, and what we build for Metaflow's JSON files. */
export interface ConfigFile {
  config: unknown
  filepath: string
}

const KNOWN = new Set<string>(SETTING_NAMES)

/** A project file is an object whose keys are setting names; a typo must not silently do nothing. */
export function checkProjectConfig(file: ConfigFile): ConfigFile {
  if (!isPlainObject(file.config)) {
    throw new InputError(`${file.filepath}: must hold an object of settings such as {"queue": "my-queue"}`)
  }

  for (const key of Object.keys(file.config)) {
    if (KNOWN.has(key)) continue
    const hint = closest(key, SETTING_NAMES)
    const next = hint ? `did you mean "${hint}"?` : 'the keys are the setting names `mfbatch config` prints'
    throw new InputError(`${file.filepath}: unknown key "${key}"; ${next}`)
  }

  return file
}

/** Metaflow's files are flat objects of METAFLOW_* keys; other keys are Metaflow's business, not an error. */
export function checkMetaflowConfig(file: ConfigFile): ConfigFile {
  if (!isPlainObject(file.config)) {
    throw new InputError(`${file.filepath}: must hold a JSON object of METAFLOW_* keys`)
  }

  return file
}
