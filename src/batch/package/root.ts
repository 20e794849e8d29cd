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

/** The bucket `--local` uses when no root is set; the emulator creates it at first start. */
export const LOCAL_PACKAGE_BUCKET = EMULATOR_PACKAGE_BUCKET

const BUCKET = /^[a-z\d][a-z\d.-]{1,61}[a-z\d]$/

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
  if (!match || !BUCKET.test(match[1])) throw invalid(root.origin.label, raw, allowed)
  return {bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '')}
}

export function packageLocation(root: PackageRoot, sha256: string): PackageLocation {
  const key = `${root.prefix ? `${root.prefix}/` : ''}mfbatch/packages/${sha256}.tar.gz`
  return {bucket: root.bucket, key, url: `s3://${root.bucket}/${key}`}
}
