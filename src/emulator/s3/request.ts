/** One S3 request as the operations see it: who asked, for what bucket and key, and how its body is vouched for. */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {PayloadAuth} from './payload-auth'
import type {Bucket, S3Store} from './store'

import {noSuchBucket} from './errors'
import {receive} from './ingest'

export interface S3Request {
  auth: PayloadAuth
  bucket: string
  key: string
  query: URLSearchParams
  req: IncomingMessage
  res: ServerResponse
  store: S3Store
}

export function bucketOf(request: S3Request): Bucket {
  const bucket = request.store.bucket(request.bucket)
  if (!bucket) throw noSuchBucket(request.bucket)
  return bucket
}

/** The largest XML document an operation reads (a CompleteMultipartUpload of 10,000 parts fits). */
const MAX_XML_BYTES = 4 * 1024 * 1024

/** The (small) request body, checked against the signature and any checksum. */
export async function smallBody(request: S3Request): Promise<Buffer> {
  const {data} = await receive(request.req, {auth: request.auth, maxBytes: MAX_XML_BYTES})
  return data!
}
