/**
 * The contract between settings resolution (src/config) and its users (commands, src/batch). Values arrive raw
 * (a flag's string, an env var's text, a config file's JSON value) together with where they came from, so that
 * validation, which happens in one place per setting, can name the source in its error message.
 */

/** Every setting mfbatch resolves. Project config file keys are exactly these names. */
export const SETTING_NAMES = [
  // Where jobs go and as whom
  'queue',
  'iamRole',
  'executionRole',
  'image',
  'registry',
  'defaultTags',
  'timeout',
  'user',
  // AWS connection
  'region',
  'profile',
  'endpointUrl',
  // @batch resources and container parameters (project config may set defaults for them)
  'cpu',
  'gpu',
  'memory',
  'sharedMemory',
  'maxSwap',
  'swappiness',
  'useTmpfs',
  'tmpfsSize',
  'tmpfsPath',
  'tmpfsTempdir',
  'inferentia',
  'trainium',
  'efa',
  'hostVolumes',
  'efsVolumes',
  'ephemeralStorage',
  'logDriver',
  'logOptions',
  'privileged',
  'platform',
  // Job-level
  'tags',
  'env',
  'secrets',
  'retries',
  'arraySize',
  // The code package (--package)
  'package',
  'packageRoot',
] as const

export type SettingName = (typeof SETTING_NAMES)[number]

export type SourceKind = 'default' | 'env' | 'flag' | 'metaflow-global' | 'metaflow-local' | 'project'

/** Where a value came from. `label` is what error messages and `mfbatch config` print. */
export interface Origin {
  kind: SourceKind
  /**
   * Human label naming the exact source:
   *  flag            `--queue`
   *  env             `METAFLOW_BATCH_JOB_QUEUE`
   *  project         `/repo/.mfbatchrc.json (key queue)`
   *  metaflow-local  `/repo/.metaflow/config.json (METAFLOW_BATCH_JOB_QUEUE)`
   *  metaflow-global `/home/u/.metaflowconfig/config_dev.json (METAFLOW_BATCH_JOB_QUEUE)`
   *  default         `default`
   */
  label: string
}

/** A raw value with its origin; `value` is undefined when no source sets it and there is no default. */
export interface Sourced<T = unknown> {
  origin: Origin
  value: T | undefined
}

export type ResolvedSettings = Record<SettingName, Sourced>
