/**
 * `rerun --package`: the working directory's code, packaged as `submit --package` packages it, takes the place of
 * the old job's package (a rerun after a code fix ships the fix). The new bootstrap replaces the old one where it
 * was (inside a multi-node job's rendezvous wrapper), or goes around the command of a job that had none; the
 * presigned URL replaces the old one in the environment. The package goes to --package-root, else beside the old
 * job's package, else to the root the settings name (the emulator's bucket under --local).
 */
import type {ContainerOverrides} from '@aws-sdk/client-batch'

import type {Sourced} from '../../config/types'
import type {S3Api} from '../clients'
import type {OldJob, RerunRequests} from './plan'

import {InputError} from '../../errors'
import {DEFAULT_TIMEOUT_SECONDS} from '../definition/job'
import {WRAPPER_NAME} from '../nodes/rendezvous'
import {BOOTSTRAP_NAME, bootstrapFact, bootstrapLocation, PACKAGE_URL_ENV, withFacts} from '../package/bootstrap'
import {checkSubmitSize, packageUrlSeconds} from '../package/limits'
import {
  buildPackage,
  type BuiltPackage,
  DRY_RUN_URL,
  type LocalPackage,
  packageSummary,
  placePackage,
  publishPackage,
  wrappedCommand,
} from '../package/prepare'
import {PACKAGE_PREFIX, type PackageRoot, parsePackageRoot} from '../package/root'
import {INDEX_WRAPPER_NAME} from '../tasks/indices'
import {TASKS_WRAPPER_NAME} from '../tasks/wrapper'

/** Wrappers that stay around the package bootstrap: a multi-node job's rendezvous, a task table's, an index map's. */
const OUTER_WRAPPERS: ReadonlySet<string> = new Set([INDEX_WRAPPER_NAME, TASKS_WRAPPER_NAME, WRAPPER_NAME])

export interface RerunPackageFlags {
  package?: boolean
  'package-dir'?: string
  'package-exclude'?: string[]
  'package-max-size'?: string
  'package-root'?: string
}

export interface PendingPackage {
  built: BuiltPackage
  /** From --package-root, when given. */
  root?: PackageRoot
}

/** The package built before any API call (undefined without --package or --package-dir). */
export async function buildRerunPackage(
  flags: RerunPackageFlags,
  cwd = process.cwd(),
): Promise<PendingPackage | undefined> {
  const fromDir = flags['package-dir'] !== undefined
  const setting: Sourced = {
    origin: {kind: 'flag', label: fromDir ? '--package-dir' : '--package'},
    value: fromDir ? flags['package-dir'] : flags.package,
  }
  const rootFlag = flags['package-root']
  const root =
    rootFlag === undefined
      ? undefined
      : parsePackageRoot({origin: {kind: 'flag', label: '--package-root'}, value: rootFlag}, false)
  const built = await buildPackage({
    cwd,
    excludes: flags['package-exclude'],
    maxSize: flags['package-max-size'],
    package: setting,
  })
  return built && {built, root}
}

export interface RerunPackageContext {
  /** A dry run uploads nothing; its URL is a placeholder. */
  dryRun: boolean
  local: boolean
  old: OldJob
  /** The S3 client, asked for only when a package is uploaded. */
  s3: () => Promise<S3Api>
  /** The `packageRoot` setting (environment, config files), used when neither the flag nor the old job names one. */
  settingsRoot: Sourced
}

export interface RerunPackaging {
  /** For stderr: the package's warnings and the URL's notices. */
  notices: string[]
  /** What `--json` shows of the package, when there is one. */
  package?: ReturnType<typeof packageSummary>
  requests: RerunRequests
}

/** The planned requests, with the package in them when one was asked for (`pending`). */
export async function packageRerun(
  pending: PendingPackage | undefined,
  planned: RerunRequests,
  context: RerunPackageContext,
): Promise<RerunPackaging> {
  if (!pending) return {notices: [], requests: planned}
  const packaged = await withRerunPackage(pending, planned, context)
  return {
    notices: [...pending.built.warnings.map((warning) => `warning: ${warning}`), ...packaged.notices],
    package: packageSummary(packaged.pkg, packaged.uploaded),
    requests: packaged.requests,
  }
}

export interface PackagedRerun {
  notices: string[]
  pkg: LocalPackage
  requests: RerunRequests
  uploaded?: boolean
}

/** Places the package, uploads it (unless a dry run) and puts it in the rerun's command and environment. */
export async function withRerunPackage(
  pending: PendingPackage,
  requests: RerunRequests,
  context: RerunPackageContext,
): Promise<PackagedRerun> {
  const overrides = containerOverridesOf(requests)
  const root =
    pending.root ?? oldPackageRoot(overrides.command ?? []) ?? parsePackageRoot(context.settingsRoot, context.local)
  const pkg = placePackage(pending.built, root)
  const image = imageOf(requests, context.old)
  if (context.dryRun) return {notices: [], pkg, requests: packagedRerun(requests, pkg, DRY_RUN_URL, image)}
  const {submitJob} = requests
  const urlSeconds = packageUrlSeconds({
    attempts: submitJob.retryStrategy?.attempts ?? 1,
    timeoutSeconds: submitJob.timeout?.attemptDurationSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  })
  const {notices, uploaded, url} = await publishPackage(await context.s3(), pkg, {urlSeconds})
  const packaged = packagedRerun(requests, pkg, url, image)
  checkSubmitSize({containerOverrides: containerOverridesOf(packaged)})
  return {notices, pkg, requests: packaged, uploaded}
}

/**
 * The requests with the package's bootstrap in the command and its URL in the environment (pure). A bootstrap that
 * had a package keeps its script (its steps, its task table's) with the new package's facts, and gets a URL only if
 * it had one (stored steps fetch with aws or boto3).
 */
export function packagedRerun(requests: RerunRequests, pkg: LocalPackage, url: string, image: string): RerunRequests {
  const copy = structuredClone(requests)
  const overrides = containerOverridesOf(copy)
  const facts = {B: pkg.location.bucket, K: pkg.location.key, S: pkg.sha256}
  let inPlace = false
  overrides.command = repackaged(
    overrides.command ?? [],
    (user) => wrappedCommand(pkg, user, image),
    (old) => {
      const renewed = withFacts(old, facts)
      if (renewed) inPlace = true
      return renewed
    },
  )
  const hadUrl = (overrides.environment ?? []).some((variable) => variable.name === PACKAGE_URL_ENV)
  overrides.environment = [
    ...(overrides.environment ?? []).filter((variable) => variable.name !== PACKAGE_URL_ENV),
    ...(hadUrl || !inPlace ? [{name: PACKAGE_URL_ENV, value: url}] : []),
  ]
  return copy
}

/**
 * The command with its package bootstrap (if any) replaced by `wrap`'s, inside the wrappers it had; or, when
 * `renew` gives one, the old bootstrap renewed in place. A bootstrap without a package (`--output`, `--tasks` with
 * stored steps) cannot take one: refused, since wrapping it again would drop what it does.
 */
export function repackaged(
  command: readonly string[],
  wrap: (user: readonly string[]) => string[],
  renew?: (bootstrap: readonly string[]) => string[] | undefined,
): string[] {
  const wrapper = command[0] === 'sh' && command[1] === '-c' ? command[3] : undefined
  if (wrapper === BOOTSTRAP_NAME) {
    if (renew && bootstrapFact(command, 'B') === undefined) {
      throw new InputError(
        '--package: the job ran --input, --output or --tasks without a package, and its bootstrap cannot take one; ' +
          'submit it again with --package',
      )
    }

    return renew?.(command) ?? wrap(command.slice(4))
  }

  if (wrapper !== undefined && OUTER_WRAPPERS.has(wrapper)) {
    return [...command.slice(0, 4), ...repackaged(command.slice(4), wrap, renew)]
  }

  return wrap(command)
}

/** The root the old job's package was under: `<root>/mfbatch/packages/<sha>.tar.gz`. */
function oldPackageRoot(command: readonly string[]): PackageRoot | undefined {
  let rest = command
  while (rest[0] === 'sh' && rest[1] === '-c' && OUTER_WRAPPERS.has(rest[3])) rest = rest.slice(4)
  const location = bootstrapLocation(rest)
  const at = location?.key.lastIndexOf(PACKAGE_PREFIX) ?? -1
  if (location === undefined || at === -1) return undefined
  return {bucket: location.bucket, prefix: location.key.slice(0, at).replace(/\/+$/, '')}
}

/** The overrides that hold the command: the job's own, or a multi-node job's (all nodes get the same). */
function containerOverridesOf(requests: RerunRequests): ContainerOverrides {
  const {submitJob} = requests
  const overrides =
    submitJob.containerOverrides ?? submitJob.nodeOverrides?.nodePropertyOverrides?.[0]?.containerOverrides
  if (!overrides) throw new Error('a rerun request without container overrides')
  return overrides
}

/** The image named in the bootstrap's messages: the changed one, else the old job's. */
function imageOf(requests: RerunRequests, old: OldJob): string {
  const definition = requests.registerJobDefinition
  const changed =
    definition?.containerProperties?.image ?? definition?.nodeProperties?.nodeRangeProperties?.[0]?.container?.image
  return changed ?? old.job.container?.image ?? old.mainNode?.image ?? 'the image'
}
