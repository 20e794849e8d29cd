/** Where packages live: `<root>/mfbatch/packages/<sha256>.tar.gz`, root an `s3://BUCKET[/PREFIX]` URL. */
import type {Sourced} from '../../config/types'

import {EMULATOR_PACKAGE_BUCKET} from '../../emulator/contract'
import {InputError, invalid} from '../../errors'

export interface PackageLocation {
  bucket: string
  key: string
  url: string
}

export interface PackageRoot {
  bucket: string
  prefix: string
}

/** What follows the root in every package's key. */
export const PACKAGE_PREFIX = 'mfbatch/packages/'

/** The bucket `--local` uses when no root is set; the emulator creates it at first start. */
export const LOCAL_PACKAGE_BUCKET = EMULATOR_PACKAGE_BUCKET

const BUCKET_RULE =
  'S3 bucket names are 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with ' +
  'a letter or digit'

/**
 * What is wrong with a bucket name by S3's naming rules (general purpose buckets), or undefined. Checked before any
 * call, so a typo is one line naming it, not an AWS error after the package was built.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3) return 'is too short'
  if (name.length > 63) return `is too long (${name.length} characters)`
  const bad = /[^\d.a-z-]/.exec(name)
  if (bad) return `holds ${JSON.stringify(bad[0])}`
  if (!/^[\da-z].*[\da-z]$/.test(name)) return 'must start and end with a letter or digit'
  if (name.includes('..')) return 'holds two dots in a row'
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'is an IP address'
  if (/^(?:xn--|sthree-|amzn-s3-demo-)/.test(name) || /(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    return 'uses a prefix or suffix S3 reserves'
  }

  return undefined
}

export function parsePackageRoot(root: Sourced, local: boolean): PackageRoot {
  const raw = root.value
  if (raw === undefined || raw === null || raw === '') {
    if (local) return {bucket: LOCAL_PACKAGE_BUCKET, prefix: ''}
    throw new InputError(
      '--package needs an S3 root for the package: set --package-root s3://BUCKET/PREFIX or ' +
        'METAFLOW_DATASTORE_SYSROOT_S3 (environment or Metaflow config)',
    )
  }

  const allowed = 'use s3://BUCKET or s3://BUCKET/PREFIX'
  if (typeof raw !== 'string') throw invalid(root.origin.label, raw, allowed)
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(raw)
  if (!match) throw invalid(root.origin.label, raw, allowed)
  const problem = bucketNameProblem(match[1])
  if (problem)
    throw invalid(root.origin.label, raw, `the bucket name ${JSON.stringify(match[1])} ${problem}; ${BUCKET_RULE}`)
  return {bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '')}
}

export function packageLocation(root: PackageRoot, sha256: string): PackageLocation {
  const key = `${root.prefix ? `${root.prefix}/` : ''}${PACKAGE_PREFIX}${sha256}.tar.gz`
  return {bucket: root.bucket, key, url: `s3://${root.bucket}/${key}`}
}
