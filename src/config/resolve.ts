import type {ResolvedSettings, SettingName, Sourced} from './types'

/**
 * The settings resolver: a pure function of flags, environment and already-read config files. Precedence,
 * highest first: flag > environment > project file > Metaflow local file > Metaflow global file > default
 * (DESIGN.md section 2). Files are found and read by load.ts; nothing here touches the disk.
 */
import {InputError} from '../errors'
import {CATALOG, flagLabel, type SettingSpec} from './catalog'
import {checkSetting, type SettingProblems} from './check'
import {toFlagForm} from './coerce'
import {checkMetaflowConfig, checkProjectConfig, type ConfigFile} from './sources'

export interface SettingsInput {
  env: Readonly<Record<string, string | undefined>>
  /** Labels for flags that set a setting under another name (`--local` sets endpointUrl); default `--<flag>`. */
  flagLabels?: Readonly<Partial<Record<SettingName, string>>>
  /** Keyed by setting name (see `settingsFromFlags`); `undefined` or an empty array means "not given". */
  flags: Readonly<Partial<Record<SettingName, unknown>>>
  metaflowGlobal?: ConfigFile | null
  metaflowLocal?: ConfigFile | null
  projectConfig?: ConfigFile | null
}

const DEFAULT_ORIGIN = {kind: 'default', label: 'default'} as const

/** Every setting resolved; the first value that cannot be coerced (a boolean, a JSON object) is an InputError. */
export function resolveSettings(input: SettingsInput): ResolvedSettings {
  return resolveAll(input)
}

/**
 * For `mfbatch config`: every setting resolved even when some values are wrong (those keep their raw value), and a
 * sentence for each wrong one, naming its source. Errors in the files themselves (bad JSON, unknown keys) still throw.
 */
export function resolveSettingsChecked(input: SettingsInput): {problems: SettingProblems; resolved: ResolvedSettings} {
  const problems: SettingProblems = {}
  const resolved = resolveAll(input, problems)
  for (const spec of CATALOG) problems[spec.name] ??= checkSetting(spec, resolved[spec.name])
  for (const spec of CATALOG) if (problems[spec.name] === undefined) delete problems[spec.name]
  return {problems, resolved}
}

function resolveAll(input: SettingsInput, problems?: SettingProblems): ResolvedSettings {
  const project = input.projectConfig ? checkProjectConfig(input.projectConfig) : null
  const metaflowLocal = input.metaflowLocal ? checkMetaflowConfig(input.metaflowLocal) : null
  const metaflowGlobal = input.metaflowGlobal ? checkMetaflowConfig(input.metaflowGlobal) : null
  const sources: Sources = {...input, metaflowGlobal, metaflowLocal, project}
  const resolved = {} as ResolvedSettings
  for (const spec of CATALOG) resolved[spec.name] = resolveOne(spec, sources, problems)
  return resolved
}

interface Sources extends SettingsInput {
  metaflowGlobal: ConfigFile | null
  metaflowLocal: ConfigFile | null
  project: ConfigFile | null
}

function resolveOne(spec: SettingSpec, sources: Sources, problems?: SettingProblems): Sourced {
  for (const candidate of candidates(spec, sources)) {
    const found = candidate()
    if (!found) continue
    try {
      return coerce(spec, found)
    } catch (error) {
      if (!problems || !(error instanceof InputError)) throw error
      problems[spec.name] = error.message
      return found
    }
  }

  return {origin: DEFAULT_ORIGIN, value: spec.default}
}

type Candidate = () => Sourced | undefined

/** The places a setting can come from, highest precedence first; each is looked at only if all above are unset. */
function candidates(spec: SettingSpec, s: Sources): Candidate[] {
  const flag: Candidate = () =>
    given(s.flags[spec.name])
      ? {origin: {kind: 'flag', label: s.flagLabels?.[spec.name] ?? flagLabel(spec.name)}, value: s.flags[spec.name]}
      : undefined
  const project: Candidate = () => fromProject(s.project, spec.name)
  const env =
    (key: string): Candidate =>
    () =>
      fromEnv(s.env, key, spec)
  const files = (key: string): Candidate[] =>
    spec.metaflow.includes(key)
      ? [
          () => fromMetaflow('metaflow-local', s.metaflowLocal, key, spec),
          () => fromMetaflow('metaflow-global', s.metaflowGlobal, key, spec),
        ]
      : []
  if (!spec.chained) {
    return [flag, ...spec.env.map((key) => env(key)), project, ...spec.metaflow.flatMap((key) => files(key))]
  }

  // Metaflow's chained defaults: the specific key set anywhere beats a generic key set anywhere. The project file
  // keeps its layer relative to the specific key (below its env var, above its Metaflow files) and so beats every
  // generic key; the generic keys follow, each through its own layers.
  const [specific, ...generic] = spec.env
  return [flag, env(specific), project, ...files(specific), ...generic.flatMap((key) => [env(key), ...files(key)])]
}

function fromProject(file: ConfigFile | null, name: SettingName): Sourced | undefined {
  if (!file) return undefined
  const value = (file.config as Record<string, unknown>)[name]
  return given(value) ? {origin: {kind: 'project', label: `${file.filepath} (key ${name})`}, value} : undefined
}

function fromEnv(env: SettingsInput['env'], key: string, spec: SettingSpec): Sourced | undefined {
  const value = env[key]
  return ambient(value, spec) ? {origin: {kind: 'env', label: key}, value} : undefined
}

function fromMetaflow(
  kind: 'metaflow-global' | 'metaflow-local',
  file: ConfigFile | null,
  key: string,
  spec: SettingSpec,
): Sourced | undefined {
  if (!file) return undefined
  const value = (file.config as Record<string, unknown>)[key]
  return ambient(value, spec) ? {origin: {kind, label: `${file.filepath} (${key})`}, value} : undefined
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)
}

/**
 * For environment variables and Metaflow files: an empty text is unset (`VAR= cmd` blanks a variable, and Metaflow
 * tests values for truth), and some values are skipped the way Metaflow skips them (`root` as the user).
 */
function ambient(value: unknown, spec: SettingSpec): boolean {
  return given(value) && value !== '' && !(typeof value === 'string' && spec.ignore?.includes(value))
}

/** Every source's value in its flag's form (coerce.ts), so a file, the environment and a flag mean one thing. */
function coerce(spec: SettingSpec, found: Sourced): Sourced {
  return {...found, value: toFlagForm(spec.type, found.value, found.origin.label)}
}
