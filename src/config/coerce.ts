/**
 * One coercion for flags, environment variables and config files: every raw value is brought to the form its flag
 * gives (`--memory 2GiB` is the text "2GiB", `--privileged` a boolean, `--tag a=1` a list of texts), so `memory:
 * 2GiB` or `memory: 2048` in a YAML file, `package: true`, `tags: a=1` and the same text in an environment variable
 * mean what the flag means, and each setting's one validator sees one form. Booleans and objects are coerced the
 * way Metaflow's `from_conf` does it, so a value means the same to mfbatch as to Metaflow. `source` is an Origin
 * label (`METAFLOW_BATCH_DEFAULT_TAGS`, `/repo/.mfbatchrc.json (key defaultTags)`).
 *
 * Only booleans and objects can fail here (every command resolves every setting): a value that has no flag form
 * (`memory: [1]`) is left as it is, for the setting's validator (or `mfbatch config`) to name with its source.
 */
import type {SettingType} from './catalog'

import {InputError, invalid} from '../errors'

/** A value as its flag gives it. */
export function toFlagForm(type: SettingType, value: unknown, source: string): unknown {
  switch (type) {
    case 'boolean': {
      return toBoolean(value, source)
    }

    case 'list': {
      return toTexts(value)
    }

    case 'object': {
      return toJsonObject(value, source)
    }

    case 'switch': {
      return toSwitchOrText(value)
    }

    default: {
      // number, size, duration, string: a flag gives text; YAML and JSON give a number for `memory: 2048`.
      return numberAsText(value)
    }
  }
}

/** A repeatable flag gives a list of texts: `tags: a=1` is one, numbers in a list are their decimal text. */
const numberAsText = (item: unknown): unknown =>
  typeof item === 'number' && Number.isFinite(item) ? String(item) : item

function toTexts(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') return [numberAsText(value)]
  return Array.isArray(value) ? value.map((item) => numberAsText(item)) : value
}

const SWITCH_ON = /^(?:1|true|yes)$/i
const SWITCH_OFF = /^(?:0|false|no)$/i

/**
 * `--package` / `--no-package` give a boolean, `--package-dir DIR` a text: `package: true`, `MFBATCH_PACKAGE=false`
 * and `package: ./src` say the same; a number is a directory's name, as `--package-dir 4096` would take it.
 */
function toSwitchOrText(value: unknown): unknown {
  if (typeof value !== 'string') return numberAsText(value)
  if (SWITCH_ON.test(value.trim())) return true
  return SWITCH_OFF.test(value.trim()) ? false : value
}

const FALSE_TEXTS = new Set(['', '0', 'false'])

/** Metaflow: false only for "0", "false" or "" in any case; every other text is true ("no" too). */
export function toBoolean(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' || typeof value === 'number') return !FALSE_TEXTS.has(String(value).toLowerCase())
  throw invalid(source, value, 'use true or false')
}

/** Dict-valued keys hold JSON text in the environment and in Metaflow files; a project file may give an object. */
export function toJsonObject(value: unknown, source: string): Record<string, unknown> {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      throw new InputError(`${source}: bad JSON: ${(error as Error).message}`)
    }
  }

  if (!isPlainObject(parsed)) throw invalid(source, value, 'use a JSON object such as {"team": "ml"}')
  return parsed
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
