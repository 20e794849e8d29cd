/**
 * Submit's code-package step (DESIGN.md section 10): the package built locally before any API call, then, once
 * connected, uploaded if missing and the job's command wrapped in the bootstrap. Without a package, a hint when
 * the command names a file of the working directory that the job will not see.
 */
import {existsSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'

import type {ResolvedSettings} from '../../config/types'
import type {S3Api} from '../clients'

import {type LocalPackage, packageLocally, type Published, publishPackage, wrappedCommand} from '../package/prepare'

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
export function imageOf(settings: Pick<ResolvedSettings, 'image'>): string {
  return String(settings.image.value ?? 'the image')
}

export function dryRunCommand(pkg: LocalPackage, command: readonly string[], image: string): string[] {
  return wrappedCommand(pkg, command, image)
}

export function publish(
  s3: S3Api,
  pkg: LocalPackage,
  command: readonly string[],
  image: string,
  progress?: (sent: number, total: number) => void,
): Promise<Published> {
  return publishPackage(s3, pkg, command, image, {progress})
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
