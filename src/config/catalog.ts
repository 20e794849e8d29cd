/**
 * The catalog of settings: for each one, its flag, the environment variables and Metaflow config keys it reads,
 * its built-in default and a one-line description. Resolution (resolve.ts), `mfbatch config` and every command's
 * `--help` read this one table, so what help says is what resolution does (DESIGN.md section 2).
 */
import {SETTING_NAMES, type SettingName} from './types'

/**
 * What a setting holds, and so the form coerce.ts brings every source's value to (its flag's): `boolean` and
 * `switch` (true, false or a directory: `package`) a boolean, `object` a JSON object, `list` a list of texts, the
 * rest text. `size` is a number in the setting's unit or a size such as 4GiB; `duration` seconds or 1h30m. The one
 * validator of each setting (src/batch) parses the text and names the source on error.
 */
export type SettingType = 'boolean' | 'duration' | 'list' | 'number' | 'object' | 'size' | 'string' | 'switch'

export interface SettingSpec {
  /**
   * When true, the keys form Metaflow's chain of defaults: `env[0]` set anywhere (environment, Metaflow local or
   * global file) beats every later key set anywhere, and the project file sits just below `env[0]` in the
   * environment. Without it, all `env` keys are one environment layer, read in order.
   */
  readonly chained?: boolean
  readonly default?: unknown
  readonly description: string
  /** Environment variables read, most specific first. */
  readonly env: readonly string[]
  /** The flag without its dashes (`iam-role`); absent when no flag sets this setting. */
  readonly flag?: string
  /** Values that count as "not set" when they come from the environment or a Metaflow file (Metaflow skips root). */
  readonly ignore?: readonly string[]
  /** Keys read from Metaflow's config files, most specific first; a subset of `env` in the same order. */
  readonly metaflow: readonly string[]
  readonly name: SettingName
  readonly type: SettingType
}

type Row = Omit<SettingSpec, 'name'>

/** Settings that only a flag, the project file or the default can set. */
function local(flag: string, type: SettingType, description: string, defaultValue?: unknown): Row {
  return {default: defaultValue, description, env: [], flag, metaflow: [], type}
}

const ROWS: Record<SettingName, Row> = {
  arraySize: local('array-size', 'number', 'Run an array job of this many children (2..10000).'),
  cpu: local('cpu', 'number', 'vCPUs per job; fractions allowed on Fargate.', '1'),
  defaultTags: {
    default: {},
    description: 'Tags every job gets; --tag values are merged over them.',
    env: ['METAFLOW_BATCH_DEFAULT_TAGS'],
    metaflow: ['METAFLOW_BATCH_DEFAULT_TAGS'],
    type: 'object',
  },
  efa: local('efa', 'number', 'Elastic Fabric Adapter devices (EC2 only).'),
  efsVolumes: local('efs-volume', 'list', 'EFS file systems to mount, FS[:DST] (repeatable).'),
  endpointUrl: {
    description: 'AWS endpoint URL (the emulator or a VPC endpoint).',
    env: ['AWS_ENDPOINT_URL_BATCH', 'AWS_ENDPOINT_URL'],
    flag: 'endpoint-url',
    metaflow: [],
    type: 'string',
  },
  env: local('env', 'list', 'Environment variables for the job, K=V (repeatable).'),
  ephemeralStorage: local(
    'ephemeral-storage',
    'size',
    'Ephemeral storage in GiB, or a size such as 50GiB (Fargate only, 21..200 GiB).',
  ),
  executionRole: {
    description: 'ECS task execution role ARN; required on Fargate.',
    env: ['METAFLOW_ECS_FARGATE_EXECUTION_ROLE'],
    flag: 'execution-role',
    metaflow: ['METAFLOW_ECS_FARGATE_EXECUTION_ROLE'],
    type: 'string',
  },
  gpu: local('gpu', 'number', 'GPUs per job.', '0'),
  hostVolumes: local('host-volume', 'list', 'Host paths to mount, SRC[:DST] (repeatable, EC2 only).'),
  iamRole: {
    description: 'IAM role ARN the job runs as (its S3 access).',
    env: ['METAFLOW_ECS_S3_ACCESS_IAM_ROLE'],
    flag: 'iam-role',
    metaflow: ['METAFLOW_ECS_S3_ACCESS_IAM_ROLE'],
    type: 'string',
  },
  image: {
    chained: true,
    default: 'python:3.11',
    description: 'Container image.',
    env: ['METAFLOW_BATCH_CONTAINER_IMAGE', 'METAFLOW_DEFAULT_CONTAINER_IMAGE'],
    flag: 'image',
    metaflow: ['METAFLOW_BATCH_CONTAINER_IMAGE', 'METAFLOW_DEFAULT_CONTAINER_IMAGE'],
    type: 'string',
  },
  inferentia: local('inferentia', 'number', 'AWS Inferentia devices (EC2 only).'),
  logDriver: local('log-driver', 'string', 'Container log driver.'),
  logOptions: local('log-option', 'list', 'Log driver options, K:V (repeatable).'),
  maxSwap: local('max-swap', 'size', 'Total swap in MiB, or a size such as 2GiB (EC2 only).'),
  memory: local(
    'memory',
    'size',
    'Memory per job in MiB, or a size such as 4GiB, 512MiB or 4g (units as Docker reads them).',
    '4096',
  ),
  // The code package (DESIGN.md section 10)
  package: {
    description: 'Ship the working directory (true) or this directory to the job through S3.',
    env: ['MFBATCH_PACKAGE'],
    flag: 'package',
    metaflow: [],
    type: 'switch',
  },
  packageRoot: {
    description: "S3 root for code packages, s3://BUCKET/PREFIX; with --local, the emulator's own bucket.",
    env: ['METAFLOW_DATASTORE_SYSROOT_S3'],
    flag: 'package-root',
    metaflow: ['METAFLOW_DATASTORE_SYSROOT_S3'],
    type: 'string',
  },
  platform: local('platform', 'string', 'ec2, fargate, or auto (the queue decides).', 'auto'),
  privileged: local('privileged', 'boolean', 'Run the container privileged (EC2 only).'),
  profile: {
    description: 'AWS shared config profile.',
    env: ['AWS_PROFILE'],
    flag: 'profile',
    metaflow: [],
    type: 'string',
  },
  queue: {
    description: 'Job queue name or ARN; default: the first ENABLED and VALID queue.',
    env: ['METAFLOW_BATCH_JOB_QUEUE'],
    flag: 'queue',
    metaflow: ['METAFLOW_BATCH_JOB_QUEUE'],
    type: 'string',
  },
  region: {
    description: 'AWS region.',
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    flag: 'region',
    metaflow: [],
    type: 'string',
  },
  registry: {
    chained: true,
    description: 'Registry put in front of an image that names none.',
    env: ['METAFLOW_BATCH_CONTAINER_REGISTRY', 'METAFLOW_DEFAULT_CONTAINER_REGISTRY'],
    flag: 'registry',
    metaflow: ['METAFLOW_BATCH_CONTAINER_REGISTRY', 'METAFLOW_DEFAULT_CONTAINER_REGISTRY'],
    type: 'string',
  },
  retries: local('retries', 'number', 'Retries after a failed attempt (0..9).'),
  secrets: local('secret', 'list', 'Secrets to expose to the job (repeatable).'),
  sharedMemory: local('shared-memory', 'size', 'Shared memory (/dev/shm) in MiB, or a size such as 1GiB (EC2 only).'),
  swappiness: local('swappiness', 'number', 'Swappiness 0..100 (EC2 only; needs --max-swap).'),
  tags: local('tag', 'list', 'Job tags, K=V (repeatable), merged over the default tags.'),
  timeout: {
    default: 432_000,
    description: 'Attempt time limit in seconds (or 1h30m).',
    env: ['METAFLOW_DEFAULT_RUNTIME_LIMIT'],
    flag: 'timeout',
    metaflow: ['METAFLOW_DEFAULT_RUNTIME_LIMIT'],
    type: 'duration',
  },
  tmpfsPath: local('tmpfs-path', 'string', 'Where the tmpfs is mounted.', '/metaflow_temp'),
  tmpfsSize: local('tmpfs-size', 'size', 'tmpfs size in MiB, or a size such as 2GiB; enables tmpfs (EC2 only).'),
  tmpfsTempdir: local('tmpfs-tempdir', 'boolean', 'Point METAFLOW_TEMPDIR at the tmpfs.', true),
  trainium: local('trainium', 'number', 'AWS Trainium devices (EC2 only).'),
  user: {
    chained: true,
    description: 'User the job is submitted as (job name, tags).',
    env: ['METAFLOW_USER', 'SUDO_USER', 'USERNAME', 'USER'],
    flag: 'user',
    ignore: ['root'],
    metaflow: ['METAFLOW_USER'],
    type: 'string',
  },
  useTmpfs: local('use-tmpfs', 'boolean', 'Mount a tmpfs (EC2 only).'),
}

/** Every setting in SETTING_NAMES order (the order `mfbatch config` prints). */
export const CATALOG: readonly SettingSpec[] = SETTING_NAMES.map((name) => ({name, ...ROWS[name]}))

const BY_NAME = new Map(CATALOG.map((spec) => [spec.name, spec]))
const BY_FLAG = new Map(CATALOG.filter((spec) => spec.flag).map((spec) => [spec.flag!, spec]))

export function catalogEntry(name: SettingName): SettingSpec {
  return BY_NAME.get(name)!
}

/** For flag help: `env: AWS_REGION, AWS_DEFAULT_REGION`, or '' when the setting reads no environment variable. */
export function envHelp(name: SettingName): string {
  const {env} = catalogEntry(name)
  return env.length > 0 ? `env: ${env.join(', ')}` : ''
}

/** The label an Origin of kind `flag` carries: `--iam-role`. */
export function flagLabel(name: SettingName): string {
  const {flag} = catalogEntry(name)
  return `--${flag ?? name.replaceAll(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/**
 * Turns oclif's parsed flags (keyed by flag name: `iam-role`, `tag`) into resolver input (keyed by setting name:
 * `iamRole`, `tags`). Flags that are not settings (`--wait`, `--json`) are left out.
 */
export function settingsFromFlags(flags: Readonly<Record<string, unknown>>): Partial<Record<SettingName, unknown>> {
  const out: Partial<Record<SettingName, unknown>> = {}
  for (const [flag, value] of Object.entries(flags)) {
    const spec = BY_FLAG.get(flag)
    if (spec) out[spec.name] = value
  }

  return out
}
