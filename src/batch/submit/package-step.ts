/**
 * Submit's code-package step (DESIGN.md section 10): the package built locally before any API call, then, once
 * connected, uploaded if missing and the job's command wrapped in the bootstrap. Without a package, a hint when
 * the command names a file of the working directory that the job will not see.
 */
import {existsSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'

import type {ResolvedSettings} from '../../config/types'
import type {S3Api} from '../clients'
import type {BootstrapSection} from '../package/bootstrap'

import {buildJobControls} from '../definition/job'
import {packageUrlSeconds} from '../package/limits'
import {
  DRY_RUN_URL,
  type LocalPackage,
  packageLocally,
  type Published,
  publishPackage,
  withPackageUrl,
  wrappedCommand,
} from '../package/prepare'

export interface PackageFlags {
  local?: boolean
  'package-exclude'?: string[]
  'package-max-size'?: string
}

export function preparePackage(
  settings: Pick<ResolvedSettings, 'package' | 'packageRoot'>,
  flags: PackageFlags,
  cwd = process.cwd(),
): Promise<LocalPackage | undefined> {
  return packageLocally({
    cwd,
    excludes: flags['package-exclude'],
    local: Boolean(flags.local),
    maxSize: flags['package-max-size'],
    package: settings.package,
    packageRoot: settings.packageRoot,
  })
}

/** The image named in the bootstrap's messages. */
export function imageOf(settings: Partial<Pick<ResolvedSettings, 'image'>>): string {
  return String(settings.image?.value ?? 'the image')
}

/** What a packaged job sends: the command in its bootstrap, the settings with the URL in the environment. */
export interface PackagedJob {
  command: string[]
  settings: Partial<ResolvedSettings>
}

/**
 * The dry run's job: the URL is a placeholder (presigning needs credentials). Stored steps (`section.stored`) fetch
 * the package with aws or boto3, so the job gets no URL then.
 */
export function dryRunJob(
  pkg: LocalPackage,
  command: readonly string[],
  settings: Partial<ResolvedSettings>,
  section?: BootstrapSection,
): PackagedJob {
  return {
    command: wrappedCommand(pkg, command, imageOf(settings), section),
    settings: section?.stored ? settings : withPackageUrl(settings, DRY_RUN_URL),
  }
}

/** Uploads the package if S3 lacks it; its URL lives as long as the job's attempts need it (limits.ts). */
export async function publish(
  s3: S3Api,
  pkg: LocalPackage,
  job: {command: readonly string[]; section?: BootstrapSection; settings: Partial<ResolvedSettings>},
  progress?: (sent: number, total: number) => void,
): Promise<Omit<Published, 'url'> & PackagedJob> {
  const urlSeconds = packageUrlSeconds(buildJobControls(job.settings, job.command))
  const {url, ...published} = await publishPackage(s3, pkg, {progress, urlSeconds})
  return {
    ...published,
    command: wrappedCommand(pkg, job.command, imageOf(job.settings), job.section),
    settings: job.section?.stored ? job.settings : withPackageUrl(job.settings, url),
  }
}

/** `python train.py`, `./run.sh`: a relative path in the command that exists here but not in the job. */
export function localFileHint(command: readonly string[], cwd = process.cwd()): string | undefined {
  const word = command.slice(0, 3).find((w, i) => {
    if (isAbsolute(w) || w.startsWith('-') || (i === 0 && !w.includes('/'))) return false
    return /[./]/.test(w) && existsSync(join(cwd, w))
  })
  return word === undefined
    ? undefined
    : `hint: ${word} is a file here, but the job runs elsewhere and will not see it; add --package to ship this directory`
}

export {packageSummary} from '../package/prepare'
