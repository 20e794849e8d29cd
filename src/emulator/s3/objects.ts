/** PutObject, CopyObject, DeleteObject and DeleteObjects. */
import {rmSync} from 'node:fs'

import type {ObjectEntry} from './store'

import {checkCopySource, evaluate, preconditionFailed} from './conditions'
import {invalidArgument, malformedXml, noSuchBucket, noSuchKey, S3Error} from './errors'
import {copySource, objectHeaders, refuseUnsupported} from './headers'
import {MAX_OBJECT_BYTES, receive} from './ingest'
import {bucketOf, type S3Request, smallBody} from './request'
import {element, elements, sendXml, toXml, unescapeXml} from './xml'

/** `If-None-Match: *` and `If-Match` on a write: S3's conditional writes. */
function checkWriteConditions(request: S3Request): void {
  const {req} = request
  const existing = request.store.get(request.bucket, request.key)
  const noneMatch = req.headers['if-none-match']
  if (noneMatch !== undefined) {
    if (noneMatch.trim() !== '*')
      throw invalidArgument('If-None-Match on a write takes only *', 'If-None-Match', noneMatch)
    if (existing) throw preconditionFailed('If-None-Match')
  }

  if (req.headers['if-match'] !== undefined) {
    if (!existing) throw noSuchKey(request.key)
    if (evaluate({'if-match': req.headers['if-match']}, existing) !== 'ok') throw preconditionFailed('If-Match')
  }
}

const checksumHeaders = (entry: Pick<ObjectEntry, 'checksum'>): Record<string, string> =>
  entry.checksum ? {[`x-amz-checksum-${entry.checksum.algorithm}`]: entry.checksum.value} : {}

export async function putObject(request: S3Request): Promise<string> {
  bucketOf(request)
  refuseUnsupported(request.req)
  const headers = objectHeaders(request.req)
  checkWriteConditions(request)
  const {store} = request
  const temp = store.tempPath()
  const got = await receive(request.req, {auth: request.auth, maxBytes: MAX_OBJECT_BYTES, toFile: temp})
  try {
    // Again: the bucket or the object may have changed while the body arrived.
    bucketOf(request)
    checkWriteConditions(request)
  } catch (error) {
    rmSync(temp, {force: true})
    throw error
  }

  store.commitBody(temp, got.digests.sha256)
  const entry = store.put(request.bucket, request.key, {
    ...headers,
    checksum: got.checksum && {...got.checksum, type: 'FULL_OBJECT'},
    etag: `"${got.digests.md5.toString('hex')}"`,
    sha256: got.digests.sha256,
    size: got.digests.size,
  })
  request.res.writeHead(200, {etag: entry.etag, ...checksumHeaders(entry)}).end()
  return 'PutObject'
}

/** The object `x-amz-copy-source` names, once its conditions hold. */
export function copySourceEntry(request: S3Request): ObjectEntry {
  const source = copySource(request.req)!
  if (!request.store.bucket(source.bucket)) throw noSuchBucket(source.bucket)
  const entry = request.store.get(source.bucket, source.key)
  if (!entry) throw noSuchKey(source.key)
  checkCopySource(request.req.headers, entry)
  return entry
}

export async function copyObject(request: S3Request): Promise<string> {
  bucketOf(request)
  refuseUnsupported(request.req)
  await smallBody(request)
  const source = copySource(request.req)!
  const entry = copySourceEntry(request)
  if (request.req.headers['x-amz-checksum-algorithm']) {
    throw new S3Error('NotImplemented', 'CopyObject with x-amz-checksum-algorithm is not implemented', 501)
  }

  if (entry.size > MAX_OBJECT_BYTES) {
    throw invalidArgument(
      `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_BYTES}`,
    )
  }

  const directive = String(request.req.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase()
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive)
  }

  if (directive === 'COPY' && source.bucket === request.bucket && source.key === request.key) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      400,
    )
  }

  checkWriteConditions(request)
  const headers = directive === 'REPLACE' ? objectHeaders(request.req) : {content: entry.content, meta: entry.meta}
  const {checksum, etag, parts, sha256, size} = entry
  const copied = request.store.put(request.bucket, request.key, {checksum, etag, parts, sha256, size, ...headers})
  const result = {
    ETag: copied.etag,
    LastModified: new Date(copied.modified).toISOString(),
    ...(copied.checksum ? {[`Checksum${copied.checksum.algorithm.toUpperCase()}`]: copied.checksum.value} : {}),
  }
  sendXml(request.res, 200, toXml('CopyObjectResult', result))
  return 'CopyObject'
}

function checkVersion(version: null | string): void {
  if (version !== null && version !== 'null')
    throw invalidArgument('Invalid version id specified', 'versionId', version)
}

export async function deleteObject(request: S3Request): Promise<string> {
  bucketOf(request)
  checkVersion(request.query.get('versionId'))
  await smallBody(request)
  request.store.delete(request.bucket, request.key)
  request.res.writeHead(204).end()
  return 'DeleteObject'
}

const MAX_DELETE_KEYS = 1000

export async function deleteObjects(request: S3Request): Promise<string> {
  bucketOf(request)
  const {req} = request
  const hasChecksum = Object.keys(req.headers).some(
    (name) => name === 'content-md5' || name.startsWith('x-amz-checksum-'),
  )
  if (!hasChecksum && !String(req.headers['x-amz-trailer'] ?? '').startsWith('x-amz-checksum-')) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5', 400)
  }

  const xml = (await smallBody(request)).toString('utf8')
  if (!/<Delete[\s>]/.test(xml)) throw malformedXml()
  const objects = elements(xml, 'Object')
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXml()
  const quiet = element(xml, 'Quiet') === 'true'
  const deleted: Array<Record<string, string>> = []
  const errors: Array<Record<string, string>> = []
  for (const object of objects) {
    const [rawKey] = elements(object, 'Key')
    if (rawKey === undefined) throw malformedXml()
    const key = unescapeXml(rawKey)
    const version = element(object, 'VersionId')
    if (version !== undefined && version !== 'null') {
      errors.push({
        Code: 'NoSuchVersion',
        Key: key,
        Message: 'The specified version does not exist.',
        VersionId: version,
      })
      continue
    }

    request.store.delete(request.bucket, key)
    if (!quiet) deleted.push({Key: key, ...(version === undefined ? {} : {VersionId: version})})
  }

  sendXml(request.res, 200, toXml('DeleteResult', {Deleted: deleted, Error: errors}))
  return 'DeleteObjects'
}
