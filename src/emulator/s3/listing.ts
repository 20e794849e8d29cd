/**
 * Listing a bucket as S3 does: keys in UTF-8 byte order, `prefix`, `delimiter` (keys past the prefix that contain
 * the delimiter roll up into one CommonPrefix, which counts as one entry), paging by `max-keys` (at most 1000)
 * from a marker, `encoding-type=url`. ListObjectsV2 pages with an opaque continuation token (or `start-after`),
 * ListObjects (v1) with `marker`/`NextMarker`, ListObjectVersions of an unversioned bucket answers every object as
 * its one version, `null`. Each page costs a binary search and the page's own entries, whatever the bucket's size.
 */
import type {Bucket, ObjectEntry, S3Store} from './store'

import {invalidArgument} from './errors'
import {compareKeys, firstAfter, firstNotBefore, firstPast} from './key-order'

export interface PageRequest {
  /** Entries strictly after this key or common prefix. */
  after: string
  delimiter: string
  max: number
  prefix: string
}

export interface Page {
  entries: Array<{entry: ObjectEntry; key: string}>
  /** The last key or common prefix on the page. */
  last?: string
  prefixes: string[]
  truncated: boolean
}

const OWNER = {DisplayName: 'mfbatch', ID: '6d6662617463682d656d756c61746f72'}

export function listPage(store: S3Store, bucket: Bucket, request: PageRequest): Page {
  const {after, delimiter, max, prefix} = request
  const keys = store.sortedKeys(bucket)
  let i = firstNotBefore(keys, (key) => compareKeys(key, prefix) < 0)
  if (after) {
    i = Math.max(i, firstAfter(keys, after))
    // A marker that is a common prefix: the keys it stood for were listed already.
    if (
      delimiter &&
      after.startsWith(prefix) &&
      after.indexOf(delimiter, prefix.length) === after.length - delimiter.length
    ) {
      i = firstPast(keys, after, i)
    }
  }

  const page: Page = {entries: [], prefixes: [], truncated: false}
  let count = 0
  while (i < keys.length && keys[i].startsWith(prefix)) {
    if (count === max) {
      page.truncated = max > 0
      break
    }

    const key = keys[i]
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1
    if (at === -1) {
      page.entries.push({entry: bucket.objects.get(key)!, key})
      page.last = key
      i++
    } else {
      const common = key.slice(0, at + delimiter.length)
      page.prefixes.push(common)
      page.last = common
      i = firstPast(keys, common, i)
    }

    count++
  }

  return page
}

/** `max-keys`: 0 to 1000 (more is 1000, as S3 answers). */
export function maxKeys(query: URLSearchParams): number {
  const raw = query.get('max-keys')
  if (raw === null) return 1000
  if (!/^\d+$/.test(raw))
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw)
  return Math.min(1000, Number(raw))
}

/** S3's `encoding-type=url`: form encoding (a space is `+`), the slash kept. */
export function urlEncoder(query: URLSearchParams): (text: string) => string {
  const type = query.get('encoding-type')
  if (type === null) return (text) => text
  if (type !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type)
  return (text) => encodeURIComponent(text).replaceAll('%20', '+').replaceAll('%2F', '/')
}

const token = (last: string) => Buffer.from(`1/${last}`).toString('base64url')

function fromToken(text: string): string {
  const decoded = Buffer.from(text, 'base64url').toString()
  if (!decoded.startsWith('1/') || token(decoded.slice(2)) !== text) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', text)
  }

  return decoded.slice(2)
}

const contents = (page: Page, encode: (text: string) => string, owner: boolean) =>
  page.entries.map(({entry, key}) => ({
    ETag: entry.etag,
    Key: encode(key),
    LastModified: new Date(entry.modified).toISOString(),
    ...(entry.checksum ? {ChecksumAlgorithm: entry.checksum.algorithm.toUpperCase()} : {}),
    Size: entry.size,
    ...(owner ? {Owner: OWNER} : {}),
    StorageClass: 'STANDARD',
  }))

const commonPrefixes = (page: Page, encode: (text: string) => string) =>
  page.prefixes.map((prefix) => ({Prefix: encode(prefix)}))

const optional = (value: null | string, encode: (text: string) => string) =>
  value === null || value === '' ? undefined : encode(value)

/** What every listing reads from its query and answers alike: one page after `after`, and the echoed fields. */
function listing(store: S3Store, bucket: Bucket, query: URLSearchParams, {after, name}: {after: string; name: string}) {
  const encode = urlEncoder(query)
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') ?? ''
  const max = maxKeys(query)
  const page = listPage(store, bucket, {after, delimiter, max, prefix})
  const echoed = {
    CommonPrefixes: commonPrefixes(page, encode),
    Delimiter: optional(delimiter, encode),
    EncodingType: query.get('encoding-type') ?? undefined,
    IsTruncated: page.truncated,
    MaxKeys: max,
    Name: name,
    Prefix: encode(prefix),
  }
  return {delimiter, echoed, encode, page}
}

export function listObjectsV2(
  store: S3Store,
  name: string,
  bucket: Bucket,
  query: URLSearchParams,
): Record<string, unknown> {
  const continuation = query.get('continuation-token')
  const startAfter = query.get('start-after')
  const after = continuation === null ? (startAfter ?? '') : fromToken(continuation)
  const {echoed, encode, page} = listing(store, bucket, query, {after, name})
  return {
    ...echoed,
    Contents: contents(page, encode, query.get('fetch-owner') === 'true'),
    ContinuationToken: continuation ?? undefined,
    KeyCount: page.entries.length + page.prefixes.length,
    NextContinuationToken: page.truncated ? token(page.last!) : undefined,
    StartAfter: optional(startAfter, encode),
  }
}

export function listObjectsV1(
  store: S3Store,
  name: string,
  bucket: Bucket,
  query: URLSearchParams,
): Record<string, unknown> {
  const marker = query.get('marker') ?? ''
  const {delimiter, echoed, encode, page} = listing(store, bucket, query, {after: marker, name})
  return {
    ...echoed,
    Contents: contents(page, encode, true),
    Marker: encode(marker),
    NextMarker: page.truncated && delimiter ? encode(page.last!) : undefined,
  }
}

export function listObjectVersions(
  store: S3Store,
  name: string,
  bucket: Bucket,
  query: URLSearchParams,
): Record<string, unknown> {
  const keyMarker = query.get('key-marker') ?? ''
  const {echoed, encode, page} = listing(store, bucket, query, {after: keyMarker, name})
  return {
    ...echoed,
    KeyMarker: encode(keyMarker),
    NextKeyMarker: page.truncated ? encode(page.last!) : undefined,
    NextVersionIdMarker: page.truncated ? 'null' : undefined,
    Version: page.entries.map(({entry, key}) => ({
      ETag: entry.etag,
      IsLatest: true,
      Key: encode(key),
      LastModified: new Date(entry.modified).toISOString(),
      Owner: OWNER,
      Size: entry.size,
      StorageClass: 'STANDARD',
      VersionId: 'null',
    })),
    VersionIdMarker: query.get('version-id-marker') ?? '',
  }
}
