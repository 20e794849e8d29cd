import {resolve} from 'node:path'

/**
 * The package step of a submit. `packageLocally` does everything that needs no AWS (which directory, which files,
 * the size checks, the archive and its SHA-256, where it goes), so bad input fails before any API call;
 * `publishPackage` then uploads it if S3 lacks it, presigns it and wraps the job's command in the bootstrap.
 */
import type {Sourced} from '../../config/types'
import type {S3Api} from '../clients'

import {invalid} from '../../errors'
import {buildArchive, checkPackageSize, DEFAULT_MAX_BYTES} from './archive'
import {BootstrapInput, wrapCommand} from './bootstrap'
import {listPackageFiles} from './files'
import {presignLife} from './limits'
import {packageLocation, type PackageLocation, parsePackageRoot} from './root'
import {parseSize} from './size'

export interface PackageRequest {
  cwd: string
  excludes?: readonly string[]
  local: boolean
  maxSize?: string
  /** The `package` setting: true, false, or a directory. */
  package: Sourced
  packageRoot: Sourced
}

export interface LocalPackage {
  archive: Buffer
  bytes: number
  dir: string
  files: number
  location: PackageLocation
  sha256: string
  warnings: string[]
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
  const dir = packageDir(request.package, request.cwd)
  if (dir === undefined) return undefined
  const {label} = request.package.origin
  const root = parsePackageRoot(request.packageRoot, request.local)
  const maxBytes = request.maxSize === undefined ? DEFAULT_MAX_BYTES : parseSize(request.maxSize, '--package-max-size')
  const files = listPackageFiles(dir, {excludes: request.excludes, label})
  const size = checkPackageSize(files, maxBytes, label)
  const archive = await buildArchive(dir, files)
  return {
    archive: archive.bytes,
    bytes: archive.bytes.length,
    dir,
    files: files.length,
    location: packageLocation(root, archive.sha256),
    sha256: archive.sha256,
    warnings: size.warning ? [size.warning] : [],
  }
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

/** The job's command with the bootstrap in front; `presignedUrl` is a placeholder in a dry run. */
export function wrappedCommand(
  pkg: LocalPackage,
  command: readonly string[],
  image: string,
  presignedUrl = DRY_RUN_URL,
): string[] {
  const input: BootstrapInput = {image, location: pkg.location, presignedUrl, sha256: pkg.sha256}
  return wrapCommand(command, input)
}

export interface Published {
  command: string[]
  notices: string[]
  uploaded: boolean
}

/** HeadObject first; upload only when missing; then the presigned URL for images without aws or boto3. */
export async function publishPackage(
  s3: S3Api,
  pkg: LocalPackage,
  command: readonly string[],
  image: string,
  options: {now?: number; progress?: (sent: number, total: number) => void} = {},
): Promise<Published> {
  const {bucket, key} = pkg.location
  const exists = await s3.exists(bucket, key)
  if (!exists) await s3.upload(bucket, key, pkg.archive, (sent) => options.progress?.(sent, pkg.bytes))
  const life = presignLife(options.now ?? Date.now(), await s3.credentialsExpiry())
  const url = await s3.presignGet(bucket, key, life.seconds)
  return {
    command: wrappedCommand(pkg, command, image, url),
    notices: life.notice ? [life.notice] : [],
    uploaded: !exists,
  }
}
