/**
 * The emulator's S3, path-style REST-XML (`/<bucket>/<key>`), as the SDKs, the AWS CLI and Metaflow use it. Each
 * request is routed by method, bucket, key and sub-resource to one operation; a sub-resource or query the emulator
 * does not implement is refused with `NotImplemented`, never half-answered. Errors are S3's XML documents.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {queryPairs} from '../auth/sigv4'
import {EMULATOR_DEFAULT_REGION} from '../contract'
import {invalidArgument, noSuchKey, notImplemented, S3Error} from './errors'
import {listObjectsV1, listObjectsV2, listObjectVersions} from './listing'
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  uploadPart,
  uploadPartCopy,
} from './multipart'
import {copyObject, deleteObject, deleteObjects, putObject} from './objects'
import {type PayloadAuth} from './payload-auth'
import {readObject} from './read'
import {bucketOf, type S3Request, smallBody} from './request'
import {S3Store} from './store'
import {sendS3Failure, sendXml, toXml} from './xml'

export interface S3Service {
  /** Answers the request (reading its body as the operation needs); resolves to the operation's name, for stats. */
  handle(req: IncomingMessage, res: ServerResponse, auth: PayloadAuth): Promise<string>
  store: S3Store
}

/** Which requests are S3's: everything that is neither Batch (`/v1/...`) nor Logs (`X-Amz-Target`). */
export function isS3Request(req: IncomingMessage, url: URL): boolean {
  return req.headers['x-amz-target'] === undefined && !/^\/v1\//i.test(url.pathname)
}

/** Query parameters that authenticate or tag a request rather than ask for anything. */
const AUTH_PARAMS = new Set([
  'AWSAccessKeyId',
  // A SigV2 presigner copies these headers into the query; the request's own headers are what count.
  'content-md5',
  'content-type',
  'Expires',
  'Signature',
  'X-Amz-Algorithm',
  'X-Amz-Content-Sha256',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'x-amz-security-token',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'x-id',
])

type Operation = (request: S3Request) => Promise<string> | string

interface Route {
  /** The query parameters it takes besides its sub-resource. */
  accepts: readonly string[]
  operation: Operation
}

const LIST_V2 = [
  'continuation-token',
  'delimiter',
  'encoding-type',
  'fetch-owner',
  'list-type',
  'max-keys',
  'prefix',
  'start-after',
]
const LIST_V1 = ['delimiter', 'encoding-type', 'marker', 'max-keys', 'prefix']
const LIST_VERSIONS = [
  'delimiter',
  'encoding-type',
  'key-marker',
  'max-keys',
  'prefix',
  'version-id-marker',
  'versions',
]
const READ = [
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'versionId',
  // A presigner moves this header into the query (the JS SDK's getSignedUrl does).
  'x-amz-checksum-mode',
]

/** The operation names of the functions, for the stats of refused requests. */
const OPERATION_NAMES: Record<string, string> = {
  abortMultipartUpload: 'AbortMultipartUpload',
  bucketLocation: 'GetBucketLocation',
  bucketVersioning: 'GetBucketVersioning',
  completeMultipartUpload: 'CompleteMultipartUpload',
  copyObject: 'CopyObject',
  createBucket: 'CreateBucket',
  createMultipartUpload: 'CreateMultipartUpload',
  deleteBucket: 'DeleteBucket',
  deleteObject: 'DeleteObject',
  deleteObjects: 'DeleteObjects',
  headBucket: 'HeadBucket',
  listBuckets: 'ListBuckets',
  listV1: 'ListObjects',
  listV2: 'ListObjectsV2',
  objectTagging: 'GetObjectTagging',
  putObject: 'PutObject',
  read: 'GetObject',
  uploadPart: 'UploadPart',
  uploadPartCopy: 'UploadPartCopy',
  versions: 'ListObjectVersions',
}

/** `METHOD scope sub-resource` → the operation; scope is `service`, `bucket` or `object`. */
function route(
  method: string,
  scope: 'bucket' | 'object' | 'service',
  query: URLSearchParams,
  req: IncomingMessage,
): Route | undefined {
  if (scope === 'service') return method === 'GET' ? {accepts: [], operation: listBuckets} : undefined
  return scope === 'bucket' ? bucketRoute(method, query) : objectRoute(method, query, req)
}

function bucketRoute(method: string, query: URLSearchParams): Route | undefined {
  if (method === 'GET') return bucketReadRoute(query)
  if (method === 'POST') return query.has('delete') ? {accepts: ['delete'], operation: deleteObjects} : undefined
  const plain: Record<string, Operation> = {DELETE: deleteBucket, HEAD: headBucket, PUT: createBucket}
  return plain[method] && {accepts: [], operation: plain[method]}
}

function bucketReadRoute(query: URLSearchParams): Route {
  if (query.has('location')) return {accepts: ['location'], operation: bucketLocation}
  if (query.has('versioning')) return {accepts: ['versioning'], operation: bucketVersioning}
  if (query.has('versions')) return {accepts: LIST_VERSIONS, operation: versions}
  if (!query.has('list-type')) return {accepts: LIST_V1, operation: listV1}
  if (query.get('list-type') !== '2') throw invalidArgument('Invalid List Type specified in Request', 'list-type')
  return {accepts: LIST_V2, operation: listV2}
}

function objectRoute(method: string, query: URLSearchParams, req: IncomingMessage): Route | undefined {
  const has = (name: string) => query.has(name)
  const copy = req.headers['x-amz-copy-source'] !== undefined
  if (method === 'PUT' && has('uploadId')) {
    return {accepts: ['partNumber', 'uploadId'], operation: copy ? uploadPartCopy : uploadPart}
  }

  if (method === 'PUT') return {accepts: [], operation: copy ? copyObject : putObject}
  if (method === 'POST' && has('uploads')) return {accepts: ['uploads'], operation: createMultipartUpload}
  if (method === 'POST' && has('uploadId')) return {accepts: ['uploadId'], operation: completeMultipartUpload}
  if (method === 'DELETE' && has('uploadId')) return {accepts: ['uploadId'], operation: abortMultipartUpload}
  if (method === 'DELETE') return {accepts: ['versionId'], operation: deleteObject}
  if (method === 'GET' && has('tagging')) return {accepts: ['tagging', 'versionId'], operation: objectTagging}
  if ((method === 'GET' || method === 'HEAD') && !has('uploadId')) return {accepts: READ, operation: read}
  return undefined
}

/** S3's longest key, in bytes of UTF-8. */
const MAX_KEY_BYTES = 1024

const BUCKET_NAME = /^[\da-z][\d.a-z-]{1,61}[\da-z]$/

async function createBucket(request: S3Request): Promise<string> {
  if (
    !BUCKET_NAME.test(request.bucket) ||
    request.bucket.includes('..') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(request.bucket)
  ) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, {
      fields: {BucketName: request.bucket},
    })
  }

  await smallBody(request)
  request.store.createBucket(request.bucket)
  request.res.writeHead(200, {location: `/${request.bucket}`}).end()
  return 'CreateBucket'
}

function headBucket(request: S3Request): string {
  bucketOf(request)
  request.res.writeHead(200, {'x-amz-bucket-region': EMULATOR_DEFAULT_REGION}).end()
  return 'HeadBucket'
}

async function deleteBucket(request: S3Request): Promise<string> {
  const bucket = bucketOf(request)
  await smallBody(request)
  if (bucket.objects.size > 0 || request.store.uploadsOf(request.bucket) > 0) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      fields: {BucketName: request.bucket},
    })
  }

  request.store.deleteBucket(request.bucket)
  request.res.writeHead(204).end()
  return 'DeleteBucket'
}

function bucketLocation(request: S3Request): string {
  bucketOf(request)
  const region = EMULATOR_DEFAULT_REGION === 'us-east-1' ? '' : EMULATOR_DEFAULT_REGION
  sendXml(
    request.res,
    200,
    toXml('LocationConstraint', {}).replace('></LocationConstraint>', `>${region}</LocationConstraint>`),
  )
  return 'GetBucketLocation'
}

function bucketVersioning(request: S3Request): string {
  bucketOf(request)
  sendXml(request.res, 200, toXml('VersioningConfiguration', {}))
  return 'GetBucketVersioning'
}

function listBuckets(request: S3Request): string {
  const buckets = request.store
    .bucketNames()
    .map((b) => ({CreationDate: new Date(b.created).toISOString(), Name: b.name}))
  const owner = {DisplayName: 'mfbatch', ID: '6d6662617463682d656d756c61746f72'}
  sendXml(request.res, 200, toXml('ListAllMyBucketsResult', {Buckets: {Bucket: buckets}, Owner: owner}))
  return 'ListBuckets'
}

function listV2(request: S3Request): string {
  const result = listObjectsV2(request.store, request.bucket, bucketOf(request), request.query)
  sendXml(request.res, 200, toXml('ListBucketResult', result))
  return 'ListObjectsV2'
}

function listV1(request: S3Request): string {
  const result = listObjectsV1(request.store, request.bucket, bucketOf(request), request.query)
  sendXml(request.res, 200, toXml('ListBucketResult', result))
  return 'ListObjects'
}

function versions(request: S3Request): string {
  const result = listObjectVersions(request.store, request.bucket, bucketOf(request), request.query)
  sendXml(request.res, 200, toXml('ListVersionsResult', result))
  return 'ListObjectVersions'
}

/** GetObjectTagging: the emulator keeps no tags (a write that sets some is refused), so the set is empty. */
function objectTagging(request: S3Request): string {
  bucketOf(request)
  if (!request.store.get(request.bucket, request.key)) throw noSuchKey(request.key)
  sendXml(request.res, 200, toXml('Tagging', {TagSet: ''}))
  return 'GetObjectTagging'
}

async function read(request: S3Request): Promise<string> {
  bucketOf(request)
  const version = request.query.get('versionId')
  if (version !== null && version !== 'null')
    throw invalidArgument('Invalid version id specified', 'versionId', version)
  await smallBody(request)
  readObject(request.store, request.req, request.res, request)
  return request.req.method === 'HEAD' ? 'HeadObject' : 'GetObject'
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400)
  }
}

/** The bucket and key of a request's path, as sent: `/bucket/a//b/` is key `a//b/` (no dot-segment folding). */
function target(raw: string): {bucket: string; key: string} {
  const path = raw.split('?')[0]
  const slash = path.indexOf('/', 1)
  return slash === -1
    ? {bucket: decodePath(path.slice(1)), key: ''}
    : {bucket: decodePath(path.slice(1, slash)), key: decodePath(path.slice(slash + 1))}
}

export function createS3Service(store: S3Store): S3Service {
  async function handle(req: IncomingMessage, res: ServerResponse, auth: PayloadAuth): Promise<string> {
    const method = req.method ?? 'GET'
    let name = `${method}:unknown`
    try {
      const {bucket, key} = target(req.url ?? '/')
      const query = new URLSearchParams(queryPairs(req.url ?? '/'))
      const scope = bucket === '' ? 'service' : key === '' ? 'bucket' : 'object'
      if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
        throw new S3Error('KeyTooLongError', 'Your key is too long', 400, {fields: {MaxSizeAllowed: '1024'}})
      }

      const found = route(method, scope, query, req)
      if (!found) throw notImplemented(`${method} ${scope}${query.size > 0 ? ` ?${[...query.keys()].join('&')}` : ''}`)
      const unknown = [...query.keys()].filter((param) => !AUTH_PARAMS.has(param) && !found.accepts.includes(param))
      if (unknown.length > 0) throw notImplemented(`${method} ${scope} ?${unknown.join('&')}`)
      name = OPERATION_NAMES[found.operation.name] ?? found.operation.name
      if (name === 'GetObject' && method === 'HEAD') name = 'HeadObject'
      return await found.operation({auth, bucket, key, query, req, res, store})
    } catch (error) {
      if (!(error instanceof S3Error)) throw error
      // A body left unread goes with the connection.
      if (!req.readableEnded) res.shouldKeepAlive = false
      sendS3Failure(res, error, method === 'HEAD')
      return name
    }
  }

  return {handle, store}
}
