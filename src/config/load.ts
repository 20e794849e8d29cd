/**
 * The I/O edge of settings resolution: find and read the three kinds of config file, then hand them to the pure
 * resolver. Commands call `resolveFromEnvironment`; tests of precedence call `resolveSettings` or pass a temp
 * cwd, env and home here.
 */
import os from 'node:os'

import type {SettingProblems} from './check'
import type {ConfigFile} from './sources'
import type {ResolvedSettings} from './types'

import {findMetaflowLocal, readMetaflowGlobal} from './metaflow-files'
import {findProjectConfig} from './project-file'
import {resolveSettings, resolveSettingsChecked, type SettingsInput} from './resolve'

export interface EnvironmentInput {
  /** Where the upward searches start; defaults to process.cwd(). */
  cwd?: string
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Where `~` in METAFLOW_HOME points and where the upward searches stop; defaults to os.homedir(). */
  home?: string
  /** Told each config file skipped because another user could have written it; defaults to once on stderr. */
  skipped?: (line: string) => void
}

export interface SettingsSources {
  metaflowGlobal: ConfigFile | null
  metaflowLocal: ConfigFile | null
  projectConfig: ConfigFile | null
}

export async function loadSettingsSources(input: EnvironmentInput = {}): Promise<SettingsSources> {
  const cwd = input.cwd ?? process.cwd()
  const env = input.env ?? process.env
  const home = input.home ?? os.homedir()
  // Read in parallel, but report a failure in a fixed order (project, local, global) so errors are reproducible.
  const [project, local, global] = await Promise.allSettled([
    findProjectConfig(cwd, home, input.skipped),
    findMetaflowLocal(cwd, home, input.skipped),
    readMetaflowGlobal(env, home, cwd),
  ])
  const projectConfig = settled(project)
  const metaflowLocal = settled(local)
  return {metaflowGlobal: settled(global), metaflowLocal, projectConfig}
}

export async function resolveFromEnvironment(
  input: EnvironmentInput & Partial<Pick<SettingsInput, 'flagLabels' | 'flags'>> = {},
): Promise<ResolvedSettings> {
  const env = input.env ?? process.env
  const sources = await loadSettingsSources({...input, env})
  return resolveSettings({...sources, env, flagLabels: input.flagLabels, flags: input.flags ?? {}})
}

/** `mfbatch config`: like resolveFromEnvironment, with wrong values reported per setting instead of thrown. */
export async function resolveCheckedFromEnvironment(
  input: EnvironmentInput & Partial<Pick<SettingsInput, 'flagLabels' | 'flags'>> = {},
): Promise<{problems: SettingProblems; resolved: ResolvedSettings}> {
  const env = input.env ?? process.env
  const sources = await loadSettingsSources({...input, env})
  return resolveSettingsChecked({...sources, env, flagLabels: input.flagLabels, flags: input.flags ?? {}})
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}
