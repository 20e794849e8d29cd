/**
 * The flags of `mfbatch submit`, kept out of the command file so it stays a page long. Every setting flag is a raw
 * string or boolean with no oclif `default`, `options` or `env`: the settings resolver supplies environment values
 * and defaults with their origins, and buildJobSpec validates every source the same way. Help text for settings is
 * read from the settings catalog, so it names the same environment variables and defaults resolution uses.
 */
import {Flags} from '@oclif/core'

import type {SubmitInputs} from '../batch/submit/dry-run'
import type {SettingName, Sourced} from '../config/types'

import {RENDEZVOUS_VARIABLES} from '../batch/nodes/rendezvous'
import {CATALOG, catalogEntry, envHelp} from '../config/catalog'
import {InputError} from '../errors'
import {awsFlags} from './aws'
import {connectFlags} from './connect'

/** "Description (default: X; env: A, B)." from the catalog, plus an optional note. */
function help(name: SettingName, note?: string): string {
  const {default: fallback, description} = catalogEntry(name)
  const facts = [
    fallback === undefined || typeof fallback === 'object' ? '' : `default: ${fallback}`,
    envHelp(name),
  ].filter(Boolean)
  const sentence = description.replace(/\.$/, '') + (note ? `; ${note}` : '')
  return facts.length > 0 ? `${sentence} (${facts.join('; ')}).` : `${sentence}.`
}

const RESOURCES = 'RESOURCES'
const CONTAINER = 'CONTAINER'
const EC2 = 'EC2 ONLY'
const JOB = 'JOB'
const WAIT = 'WAIT'
const NODES = 'MULTI-NODE'
const PACKAGE = 'CODE PACKAGE'
const RESULTS = 'RESULTS'

function text(name: SettingName, helpGroup: string, helpValue: string, note?: string) {
  return Flags.string({helpGroup, helpValue, summary: help(name, note)})
}

function list(name: SettingName, helpGroup: string, helpValue: string, note?: string) {
  return Flags.string({helpGroup, helpValue, multiple: true, summary: help(name, note)})
}

function bool(name: SettingName, helpGroup: string, note?: string) {
  return Flags.boolean({helpGroup, summary: help(name, note)})
}

export const submitFlags = {
  ...awsFlags,
  ...connectFlags,
  'all-nodes': Flags.boolean({
    helpGroup: WAIT,
    summary: 'With --nodes and --follow: every node\'s log, interleaved, each line prefixed with "[N] " (its node).',
  }),
  'array-size': text('arraySize', JOB, 'N'),
  consumable: Flags.string({
    helpGroup: JOB,
    helpValue: 'NAME=N',
    multiple: true,
    summary:
      'Hold N of this consumable resource (a licence, a token) while the job runs; it waits RUNNABLE until they are ' +
      'free (repeatable, at most 5).',
  }),
  cpu: text('cpu', RESOURCES, 'N'),
  'depends-on': Flags.string({
    helpGroup: JOB,
    helpValue: 'JOB[:N_TO_N|SEQUENTIAL]',
    multiple: true,
    summary: 'Wait for this job first (repeatable, at most 20); N_TO_N and SEQUENTIAL need --array-size.',
  }),
  'dry-run': Flags.boolean({
    summary:
      'Print the RegisterJobDefinition and SubmitJob requests as JSON; make no AWS call. Values of variables whose ' +
      'names look secret, and passwords in URLs, show as **** (exact with --json).',
  }),
  efa: text('efa', EC2, 'N', 'devices /dev/infiniband/uverbs0..N-1'),
  'efs-volume': list('efsVolumes', CONTAINER, 'FS[:DST]', 'DST defaults to /mnt/FS, transit encryption on'),
  env: list('env', JOB, 'NAME=VALUE', 'names starting with AWS_BATCH are reserved'),
  'env-file': Flags.string({
    helpGroup: JOB,
    helpValue: 'FILE',
    multiple: true,
    summary: 'Read environment variables from a file of NAME=VALUE lines and # comments (repeatable; --env wins).',
  }),
  'ephemeral-storage': text('ephemeralStorage', CONTAINER, 'SIZE'),
  'execution-role': text('executionRole', CONTAINER, 'ARN', 'also needed on EC2 for --secret'),
  follow: Flags.boolean({
    char: 'f',
    helpGroup: WAIT,
    summary: "Print the job's log lines on stdout as they come (implies --wait); stop once it has ended.",
  }),
  gpu: text('gpu', RESOURCES, 'N', 'not on Fargate'),
  grace: Flags.string({
    helpGroup: WAIT,
    helpValue: 'DURATION',
    summary:
      "With --follow, read a finished job's log until it has been quiet this long, counted from the job's end " +
      '(default: 3s, or MFBATCH_LOGS_GRACE); the emulator says when a log is complete, so --local never waits it.',
  }),
  'host-volume': list('hostVolumes', EC2, 'SRC[:DST]'),
  'iam-role': text('iamRole', CONTAINER, 'ARN', 'optional, unlike in Metaflow'),
  image: text('image', CONTAINER, 'IMAGE'),
  inferentia: text('inferentia', EC2, 'N', 'devices /dev/neuron0..N-1'),
  // Results (DESIGN.md section 12): what comes back from the job, and what goes in besides the package.
  input: Flags.string({
    description:
      'SRC is an S3 object (s3://BUCKET/KEY), an S3 prefix (s3://BUCKET/PREFIX/, ending in /: a directory at PATH), ' +
      'or a local file or directory outside the package, uploaded once by its SHA-256 next to the package root and ' +
      'checked by the job on arrival.',
    helpGroup: RESULTS,
    helpValue: 'SRC=PATH',
    multiple: true,
    summary: "Place SRC at PATH in the job's working directory before the command runs (repeatable).",
  }),
  'kill-on-interrupt': Flags.boolean({
    helpGroup: WAIT,
    summary: 'On Ctrl-C, terminate the job before leaving (implies --wait); by default it keeps running.',
  }),
  'log-driver': text('logDriver', CONTAINER, 'DRIVER', 'awslogs when only --log-option is given'),
  'log-option': list('logOptions', CONTAINER, 'KEY:VALUE'),
  'main-port': Flags.string({
    helpGroup: NODES,
    helpValue: 'PORT',
    summary: 'With --nodes: MASTER_PORT on every node, where the main node listens (default 29500).',
  }),
  'max-swap': text('maxSwap', EC2, 'SIZE'),
  memory: text('memory', RESOURCES, 'SIZE'),
  name: Flags.string({
    helpGroup: JOB,
    helpValue: 'NAME',
    summary: 'Job name: up to 128 letters, digits, - and _ (default: built from the user and the command).',
  }),
  nodes: Flags.string({
    helpGroup: NODES,
    helpValue: 'N',
    summary:
      'Run a multi-node parallel job of N nodes (2..1000), node 0 the main node; EC2 only, not with --array-size.',
  }),
  'oom-factor': Flags.string({
    helpGroup: WAIT,
    helpValue: 'F',
    summary: 'With --oom-retry: multiply the memory by F for each rerun (default 2).',
  }),
  'oom-retry': Flags.string({
    description:
      'When the job runs out of memory, mfbatch submits it again (tagged with the job it replaces) with its memory ' +
      "times --oom-factor, at most what the queue's compute environments can hold, up to N times (1..9), and " +
      "exits with the last job's code. An array job: only the children that ran out of memory, as one new array.",
    helpGroup: WAIT,
    helpValue: 'N',
    summary: 'With --wait or --follow: rerun a job that runs out of memory with more, up to N times.',
  }),
  output: Flags.string({
    description:
      'When the command ends, whatever its exit code, the job packs the declared paths that exist into one ' +
      'archive and uploads it next to the package root (<root>/mfbatch/outputs/...), with its SHA-256 and what was ' +
      "missing; a failed upload fails the attempt. --wait/--follow then unpacks a SUCCEEDED job's outputs here " +
      '(each file whole or not at all, never outside this directory); a FAILED job\'s stay in S3 for "mfbatch ' +
      'outputs JOB". PATH=s3://BUCKET/PREFIX/ leaves that output in S3 instead (a file under its name, a directory\'s ' +
      'files under their paths). With --tasks, ' +
      // eslint-disable-next-line no-template-curly-in-string -- the user's syntax, not a template
      "${NAME} in PATH is the child's value of column NAME (quote it: 'model-${lr}.pt'). The image needs tar, " +
      'gzip, openssl, sha256sum or shasum, and aws or python with boto3.',
    helpGroup: RESULTS,
    helpValue: 'PATH[=s3://BUCKET/PREFIX/]',
    multiple: true,
    summary: "Bring this file, directory or glob back from the job's working directory (repeatable; relative, no ..).",
  }),
  // The code package (DESIGN.md section 10)
  package: Flags.boolean({
    allowNo: true,
    description:
      'What ships: in a git work tree, the tracked files and the untracked ones git does not ignore; elsewhere ' +
      'every file the .gitignore files (nested ones too) do not ignore. Never .git/, .venv/, venv/, ' +
      'node_modules/, __pycache__/, *.pyc, .env, .env.*, nor what .mfbatchignore (gitignore syntax) or ' +
      '--package-exclude name. Files that look like secrets (*.pem, *.key, id_rsa*, id_ed25519*, credentials*, ' +
      '.aws/, .netrc, .npmrc, .pypirc) are left out with a warning naming them: a "!NAME" line in .mfbatchignore ' +
      'ships one. The job downloads the package with its own role (aws or boto3) where the image has them, else ' +
      'with a presigned URL it gets in its environment (never on a command line), and prints its steps only ' +
      'when one fails (--env MFBATCH_BOOTSTRAP_VERBOSE=1: always).',
    helpGroup: PACKAGE,
    summary: help('package', 'implied by --package-dir'),
  }),
  'package-dir': Flags.string({
    helpGroup: PACKAGE,
    helpValue: 'DIR',
    summary: 'Ship this directory instead of the working directory (implies --package).',
  }),
  'package-exclude': Flags.string({
    helpGroup: PACKAGE,
    helpValue: 'GLOB',
    multiple: true,
    summary: 'Leave these files out of the package, gitignore syntax (repeatable; see also .mfbatchignore).',
  }),
  'package-max-size': Flags.string({
    helpGroup: PACKAGE,
    helpValue: 'SIZE',
    summary: 'Refuse a package larger than this (default: 1GiB).',
  }),
  'package-root': text('packageRoot', PACKAGE, 's3://BUCKET/PREFIX'),
  platform: text('platform', CONTAINER, 'ec2|fargate|auto'),
  privileged: bool('privileged', EC2),
  queue: text('queue', JOB, 'QUEUE'),
  quiet: Flags.boolean({char: 'q', summary: 'Print only the job id (with --follow: only the job log).'}),
  registry: text('registry', CONTAINER, 'HOST'),
  retries: text('retries', JOB, 'N'),
  'retry-on': Flags.string({
    description:
      'KINDS, comma-separated: host (the instance went away: a spot reclaim, a lost host), oom (out of memory), ' +
      'start (the image could not be pulled or the container started), exit:CODES (exit:137,143), all (the ' +
      "default). Compiled to the retry strategy's evaluateOnExit rules (at most 5): RETRY for these, EXIT for " +
      'the rest.',
    helpGroup: JOB,
    helpValue: 'KINDS',
    summary: 'With --retries: retry only these failures (host, oom, start, exit:CODES, all); the rest end the job.',
  }),
  secret: list('secrets', CONTAINER, 'NAME=ARN', 'a Secrets Manager or SSM parameter ARN'),
  'shared-memory': text('sharedMemory', EC2, 'SIZE'),
  swappiness: text('swappiness', EC2, 'N', '100 is accepted (Metaflow rejects it)'),
  tag: list('tags', JOB, 'KEY=VALUE', 'always sent (Metaflow needs METAFLOW_BATCH_EMIT_TAGS)'),
  tasks: Flags.string({
    description:
      'A parameter sweep: child N (AWS_BATCH_JOB_ARRAY_INDEX, from 0) gets data row N+1 in its environment, the ' +
      'header names as variable names (letters, digits and _; not AWS_BATCH_*, MFBATCH_* or ECS_*), over any ' +
      '--env of the same name. .tsv: ' +
      'tab-separated, no quoting; .csv: RFC 4180 (quoted fields may hold commas and line breaks); another name: ' +
      'TSV if the header has a tab. At most 10,000 rows; one row makes a plain job. The table goes to S3 beside ' +
      "the packages (--package-root; under --local the emulator's bucket), not into SubmitJob; the job fetches " +
      'it with its role (aws or boto3; without --package, --input and --output, also a presigned URL in its ' +
      'environment, for curl, wget or urllib). "status JOB" shows each child\'s ' +
      'row; "rerun JOB --failed" runs the failed rows again. Not with --array-size or --nodes.',
    helpGroup: JOB,
    helpValue: 'FILE',
    summary: 'Run one array child per row of a TSV or CSV table with a header row, the row in its environment.',
  }),
  timeout: text('timeout', JOB, 'DURATION', 'at least 60 seconds'),
  'tmpfs-path': text('tmpfsPath', EC2, 'PATH'),
  'tmpfs-size': text('tmpfsSize', EC2, 'SIZE', 'default: half of --memory'),
  'tmpfs-tempdir': Flags.boolean({allowNo: true, helpGroup: EC2, summary: help('tmpfsTempdir')}),
  trainium: text('trainium', EC2, 'N', 'devices /dev/neuron0..N-1; not with --inferentia'),
  'use-tmpfs': bool('useTmpfs', EC2),
  user: text('user', JOB, 'USER'),
  wait: Flags.boolean({
    helpGroup: WAIT,
    summary: "Wait until the job ends, with its status changes on stderr; exit with the job's result.",
  }),
  'wait-timeout': Flags.string({
    helpGroup: WAIT,
    helpValue: 'DURATION',
    summary: 'Stop waiting after this long (e.g. 30m) with exit 124; the job keeps running. Implies --wait.',
  }),
}

export interface WaitFlagValues {
  'dry-run'?: boolean
  follow?: boolean
  json?: boolean
  'kill-on-interrupt'?: boolean
  quiet?: boolean
  wait?: boolean
  'wait-timeout'?: string
}

/**
 * Whether submit waits on the job, and combinations that cannot work: a dry run makes no job to wait on, and
 * --follow's log lines would break --json's single document (--quiet --follow: the log alone, like `docker run`).
 */
export function waitsFor(flags: WaitFlagValues): boolean {
  const waits = Boolean(flags.wait || flags.follow || flags['kill-on-interrupt'] || flags['wait-timeout'] !== undefined)
  if (waits && flags['dry-run']) throw new InputError('--dry-run makes no job to wait on; drop --wait/--follow')
  if (flags.follow && flags.json) throw new InputError('--follow prints log lines; use --wait with --json')
  return waits
}

/** The flags that make submit wait on the job (then bad input exits 125, see BaseCommand.waitsOnJob). */
export const WAITING_FLAGS = /^(?:--(?:wait|wait-timeout|follow|kill-on-interrupt)(?:=|$)|-[a-z]*f[a-z]*$)/i

/** `--package-dir DIR` sets the `package` setting to DIR; `--package`/`--no-package` to true/false. */
export function packageFlagValue(flags: {package?: boolean; 'package-dir'?: string}): boolean | string | undefined {
  return flags['package-dir'] ?? flags.package
}

export interface SubmitFlagValues {
  consumable?: string[]
  'depends-on'?: string[]
  'env-file'?: string[]
  'main-port'?: string
  name?: string
  nodes?: string
  'retry-on'?: string
}

function fromFlag(label: string, value: unknown): Sourced | undefined {
  return value === undefined ? undefined : {origin: {kind: 'flag', label}, value}
}

/** The flags that are not settings, as sourced values like the resolver's (so errors name `--name`). */
export function submitInputs(flags: SubmitFlagValues): SubmitInputs {
  return {
    consumables: fromFlag('--consumable', flags.consumable),
    dependsOn: fromFlag('--depends-on', flags['depends-on']),
    envFiles: fromFlag('--env-file', flags['env-file']),
    mainPort: fromFlag('--main-port', flags['main-port']),
    name: fromFlag('--name', flags.name),
    nodes: fromFlag('--nodes', flags.nodes),
    retryOn: fromFlag('--retry-on', flags['retry-on']),
  }
}

/**
 * The job's command: every word after the first `--`, exactly as typed. oclif's own argv is not used because it
 * reorders words that also appear as flag values. Words before `--` that are not flags are a usage error: without
 * `--`, a mistyped flag or a greedy repeatable flag would silently change the command.
 */
export function commandAfterDashDash(rawArgv: readonly string[], parsedArgv: readonly unknown[]): string[] {
  const at = rawArgv.indexOf('--')
  const command = at === -1 ? [] : rawArgv.slice(at + 1)
  const stray = parsedArgv.length - command.length
  if (stray > 0) {
    const words = parsedArgv.slice(0, stray).map(String).join(' ')
    throw new InputError(`put the command after --, e.g. submit --cpu 2 -- python train.py (got "${words}" before it)`)
  }

  if (command.length === 0) throw new InputError('a command is required after --, e.g. submit -- python train.py')
  return command
}

/** The variables every node of a `--nodes` job gets, one a line, for `submit --help`. */
export function rendezvousHelp(): string {
  return RENDEZVOUS_VARIABLES.map(([name, meaning]) => `  ${name.padEnd(16)} ${meaning}`).join('\n')
}

/** The ENVIRONMENT block of `submit --help`: one variable a line (oclif wraps long lines), most specific first. */
export function environmentHelp(): string {
  const flagNames = new Set(Object.keys(submitFlags))
  return CATALOG.flatMap((spec) =>
    spec.env.map((key, i) => {
      const target = spec.flag && flagNames.has(spec.flag) ? `--${spec.flag}` : spec.description.replace(/\.$/, '')
      return `${key.padEnd(36)} ${target}${i > 0 ? ' (fallback)' : ''}`
    }),
  ).join('\n')
}
