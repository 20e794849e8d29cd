import {resolve} from 'node:path'

/**
 * The package step of a submit. `packageLocally` does everything that needs no AWS (which directory, which files,
 * the size checks, the archive and its SHA-256, where it goes), so bad input fails before any API call;
 * `publishPackage` then uploads it if S3 lacks it, presigns it and wraps the job's command in the bootstrap.
 */
import type {Sourced} from '../../config/types'
import type {S3Api} from '../clients'

import {invalid, RuntimeError} from '../../errors'
import {keyValues} from '../parse/values'
import {buildArchive, checkPackageSize, DEFAULT_MAX_BYTES, removeArchive} from './archive'
import {BootstrapInput, type BootstrapSection, PACKAGE_URL_ENV, wrapCommand} from './bootstrap'
import {listPackageFiles, type PackageFile} from './files'
import {presignLife} from './limits'
import {packageLocation, type PackageLocation, type PackageRoot, parsePackageRoot} from './root'
import {secretsWarning} from './rules'
import {parseSize} from './size'
import {cachedArchive, rememberArchive, treeKey} from './stat-cache'

export interface PackageRequest {
  cwd: string
  excludes?: readonly string[]
  local: boolean
  maxSize?: string
  /** The `package` setting: true, false, or a directory. */
  package: Sourced
  packageRoot: Sourced
}

/** The archive, built, before it has a place in S3. */
export interface BuiltPackage {
  /**
   * The tar.gz on disk (archive.ts), read by the upload. Absent when the stat cache knew the tree: `rebuild` then
   * makes it, only if S3 lacks it.
   */
  archivePath?: string
  bytes: number
  dir: string
  files: number
  rebuild?: () => Promise<string>
  sha256: string
  warnings: string[]
}

export interface LocalPackage extends BuiltPackage {
  location: PackageLocation
}

/** The directory to ship, or undefined when packaging is off. */
export function packageDir(setting: Sourced, cwd: string): string | undefined {
  const {value} = setting
  if (value === undefined || value === null || value === false) return undefined
  if (value === true) return cwd
  if (typeof value !== 'string') throw invalid(setting.origin.label, value, 'use true, false or a directory')
  if (/^(?:0|false|no|)$/i.test(value)) return undefined
  if (/^(?:1|true|yes)$/i.test(value)) return cwd
  return resolve(cwd, value)
}

export async function packageLocally(request: PackageRequest): Promise<LocalPackage | undefined> {
  if (packageDir(request.package, request.cwd) === undefined) return undefined
  // The root first: a bad one is the first error, before the tree is read.
  const root = parsePackageRoot(request.packageRoot, request.local)
  const built = await buildPackage(request)
  return built && placePackage(built, root)
}

/** The files, the size checks and the archive: everything but where it goes. */
export async function buildPackage(
  request: Omit<PackageRequest, 'local' | 'packageRoot'>,
): Promise<BuiltPackage | undefined> {
  const dir = packageDir(request.package, request.cwd)
  if (dir === undefined) return undefined
  const {label} = request.package.origin
  const maxBytes = request.maxSize === undefined ? DEFAULT_MAX_BYTES : parseSize(request.maxSize, '--package-max-size')
  const {files, secrets} = listPackageFiles(dir, {excludes: request.excludes, label})
  const size = checkPackageSize(files, maxBytes, label)
  const warnings = [secretsWarning(secrets), size.warning].filter((w): w is string => w !== undefined)
  const key = treeKey(dir, files)
  const known = cachedArchive(key)
  const base = {dir, files: files.length, warnings}
  if (known) return {...base, ...known, rebuild: () => rebuildArchive(dir, files, known.sha256)}
  const archive = await buildArchive(dir, files)
  rememberArchive(key, archive)
  return {...base, archivePath: archive.path, bytes: archive.bytes, sha256: archive.sha256}
}

/** The archive the stat cache named, built now; a tree that changed meanwhile would not match its name. */
async function rebuildArchive(dir: string, files: readonly PackageFile[], sha256: string): Promise<string> {
  const archive = await buildArchive(dir, files)
  if (archive.sha256 === sha256) return archive.path
  removeArchive(archive.path)
  throw new RuntimeError(`the files under ${dir} changed while the package was being made; submit again`)
}

export function placePackage(built: BuiltPackage, root: PackageRoot): LocalPackage {
  return {...built, location: packageLocation(root, built.sha256)}
}

/** What `--json` shows of a package (dry run and submit alike). */
export function packageSummary(pkg: LocalPackage, uploaded?: boolean) {
  return {
    bytes: pkg.bytes,
    dir: pkg.dir,
    files: pkg.files,
    sha256: pkg.sha256,
    url: pkg.location.url,
    ...(uploaded === undefined ? {} : {uploaded}),
  }
}

export const DRY_RUN_URL = '<presigned GET URL, made at submit>'

/** The job's command with the bootstrap in front (the presigned URL is not in it: see withPackageUrl). */
export function wrappedCommand(
  pkg: LocalPackage,
  command: readonly string[],
  image: string,
  section?: BootstrapSection,
): string[] {
  const input: BootstrapInput = {image, location: pkg.location, sha256: pkg.sha256}
  return wrapCommand(command, input, section)
}

/**
 * The settings with the package's presigned URL in the job's environment (PACKAGE_URL_ENV, over a variable of that
 * name), where only the job's own user and DescribeJobs see it, never a process list. An `env` setting that does
 * not parse is left as it is: building the job spec names the problem.
 */
export function withPackageUrl<T extends {env?: Sourced}>(settings: T, url: string): T {
  return replacePackageUrl(settings, url)
}

/** The settings without the package's URL (the bootstrap then fetches with aws or boto3 only); the same object when they had none. */
export function withoutPackageUrl<T extends {env?: Sourced}>(settings: T): T {
  return replacePackageUrl(settings)
}

function replacePackageUrl<T extends {env?: Sourced}>(settings: T, url?: string): T {
  let pairs: Array<[string, string]>
  try {
    pairs = keyValues(settings.env, '=', 'use NAME=VALUE')
  } catch {
    return settings
  }

  const kept = pairs.filter(([name]) => name !== PACKAGE_URL_ENV)
  if (url === undefined && kept.length === pairs.length) return settings
  const origin = settings.env?.origin ?? {kind: 'default' as const, label: '--env'}
  return {
    ...settings,
    env: {origin, value: Object.fromEntries(url === undefined ? kept : [...kept, [PACKAGE_URL_ENV, url]])},
  }
}

export interface Published {
  notices: string[]
  uploaded: boolean
  /** The presigned GET URL, for the job's environment. */
  url: string
}

export interface PublishOptions {
  now?: number
  progress?: (sent: number, total: number) => void
  /** How long the URL must live (limits.ts packageUrlSeconds); capped at 7 days and the credentials' expiry. */
  urlSeconds?: number
}

/** HeadObject first; upload only when missing; then the presigned URL for images without aws or boto3. */
export async function publishPackage(s3: S3Api, pkg: LocalPackage, options: PublishOptions = {}): Promise<Published> {
  const {bucket, key} = pkg.location
  const exists = await s3.exists(bucket, key)
  const path = exists ? pkg.archivePath : (pkg.archivePath ?? (await pkg.rebuild!()))
  try {
    if (!exists) await s3.upload(bucket, key, path!, (sent) => options.progress?.(sent, pkg.bytes))
  } finally {
    if (path !== undefined) removeArchive(path)
  }

  const life = presignLife(options.now ?? Date.now(), await s3.credentialsExpiry(), options.urlSeconds)
  const url = await s3.presignGet(bucket, key, life.seconds)
  return {notices: life.notice ? [life.notice] : [], uploaded: !exists, url}
}
