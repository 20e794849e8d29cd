/**
 * The emulator's S3, path-style REST-XML (`/<bucket>/<key>`), enough for code packages and the AWS CLI and boto3:
 * ListBuckets, CreateBucket, HeadBucket, ListObjectsV2, PutObject, GetObject, HeadObject, DeleteObject, multipart
 * (Create, UploadPart, Complete, Abort) and presigned GET URLs (the signature travels in the query string).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {S3Store} from './store'
import {decodeAwsChunked, sendS3Error, sendXml, toXml} from './xml'

export interface S3Service {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): string
  store: S3Store
}

/** Which requests are S3's: everything that is neither Batch (`/v1/...`) nor Logs (`X-Amz-Target`). */
export function isS3Request(req: IncomingMessage, url: URL): boolean {
  return req.headers['x-amz-target'] === undefined && !/^\/v1\//i.test(url.pathname)
}

const iso = (ms: number) => new Date(ms).toISOString()

export function createS3Service(store: S3Store): S3Service {
  /** Answers the request; returns the operation name, for the stats. */
  function handle(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): string {
    const method = req.method ?? 'GET'
    const [bucketPart, ...keyParts] = url.pathname.slice(1).split('/')
    const bucket = decodeURIComponent(bucketPart ?? '')
    const key = keyParts.map((p) => decodeURIComponent(p)).join('/')
    const q = url.searchParams
    const head = method === 'HEAD'
    if (!bucket) {
      const buckets = store.bucketNames().map((b) => ({CreationDate: iso(b.created), Name: b.name}))
      sendXml(res, 200, toXml('ListAllMyBucketsResult', {Buckets: {Bucket: buckets}, Owner: {ID: 'mfbatch'}}))
      return 'ListBuckets'
    }

    if (!key) {
      if (method === 'PUT') {
        store.createBucket(bucket)
        res.writeHead(200, {location: `/${bucket}`}).end()
        return 'CreateBucket'
      }

      if (!store.bucket(bucket)) {
        sendS3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', head)
        return head ? 'HeadBucket' : 'ListObjectsV2'
      }

      if (head) {
        res.writeHead(200).end()
        return 'HeadBucket'
      }

      listObjects(res, bucket, q)
      return 'ListObjectsV2'
    }

    if (!store.bucket(bucket)) {
      sendS3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', head)
      return `${method}Object`
    }

    const body = /aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) ? decodeAwsChunked(raw) : raw
    if (method === 'POST' && q.has('uploads')) {
      const id = store.createUpload(bucket, key)
      sendXml(res, 200, toXml('InitiateMultipartUploadResult', {Bucket: bucket, Key: key, UploadId: id}))
      return 'CreateMultipartUpload'
    }

    if (method === 'PUT' && q.has('uploadId')) {
      const etag = store.putPart(q.get('uploadId')!, Number(q.get('partNumber')), body)
      if (etag) {
        res.writeHead(200, {etag}).end()
      } else {
        sendS3Error(res, 404, 'NoSuchUpload', 'The specified upload does not exist')
      }

      return 'UploadPart'
    }

    if (method === 'POST' && q.has('uploadId')) {
      const numbers = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]))
      const entry = store.completeUpload(q.get('uploadId')!, numbers)
      if (entry) {
        sendXml(res, 200, toXml('CompleteMultipartUploadResult', {Bucket: bucket, ETag: entry.etag, Key: key}))
      } else {
        sendS3Error(res, 400, 'InvalidPart', 'One or more of the specified parts could not be found')
      }

      return 'CompleteMultipartUpload'
    }

    if (method === 'DELETE' && q.has('uploadId')) {
      store.abortUpload(q.get('uploadId')!)
      res.writeHead(204).end()
      return 'AbortMultipartUpload'
    }

    if (method === 'PUT') {
      const entry = store.put(bucket, key, body, req.headers['content-type'])
      res.writeHead(200, {etag: entry.etag}).end()
      return 'PutObject'
    }

    if (method === 'DELETE') {
      store.delete(bucket, key)
      res.writeHead(204).end()
      return 'DeleteObject'
    }

    const entry = store.get(bucket, key)
    const data = entry && store.read(entry.sha256)
    if (!entry || !data) {
      sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', head)
      return head ? 'HeadObject' : 'GetObject'
    }

    res.writeHead(200, {
      'accept-ranges': 'bytes',
      'content-length': data.length,
      'content-type': entry.contentType ?? 'binary/octet-stream',
      etag: entry.etag,
      'last-modified': new Date(entry.modified).toUTCString(),
    })
    res.end(head ? undefined : data)
    return head ? 'HeadObject' : 'GetObject'
  }

  function listObjects(res: ServerResponse, bucket: string, q: URLSearchParams): void {
    const prefix = q.get('prefix') ?? ''
    const after = q.get('continuation-token') ?? q.get('start-after') ?? ''
    const max = Math.min(1000, Number(q.get('max-keys') ?? 1000) || 1000)
    const {objects} = store.bucket(bucket)!
    const keys = Object.keys(objects)
      .filter((k) => k.startsWith(prefix) && k > after)
      .sort()
    const page = keys.slice(0, max)
    const truncated = keys.length > page.length
    const contents = page.map((k) => ({
      ETag: objects[k].etag,
      Key: k,
      LastModified: iso(objects[k].modified),
      Size: objects[k].size,
      StorageClass: 'STANDARD',
    }))
    sendXml(
      res,
      200,
      toXml('ListBucketResult', {
        Contents: contents,
        IsTruncated: truncated,
        KeyCount: page.length,
        MaxKeys: max,
        Name: bucket,
        Prefix: prefix,
        ...(truncated ? {NextContinuationToken: page.at(-1)} : {}),
      }),
    )
  }

  return {handle, store}
}
