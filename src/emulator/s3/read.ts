/**
 * GetObject and HeadObject: the stored content headers and user metadata, conditional requests (304/412), one byte
 * range (206 with Content-Range, 416), `response-*` overrides, the checksum when asked (`x-amz-checksum-mode:
 * ENABLED`, whole-object reads only, as S3). The body streams from its file, opened before anything else can remove
 * it; a range is read from its offset, never the whole file.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {closeSync, createReadStream, fstatSync, openSync} from 'node:fs'

import type {ObjectEntry, S3Store} from './store'

import {evaluate, preconditionFailed} from './conditions'
import {noSuchKey} from './errors'
import {type ByteRange, parseRange} from './range'
import {requestId} from './xml'

const OVERRIDES: Record<string, string> = {
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-content-type': 'content-type',
  'response-expires': 'expires',
}

/** The headers S3 answers every read of the object with. */
export function objectHeaders(entry: ObjectEntry): Record<string, string> {
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': 'binary/octet-stream',
    ...entry.content,
    etag: entry.etag,
    'last-modified': new Date(entry.modified).toUTCString(),
    'x-amz-request-id': requestId(),
  }
  for (const [name, value] of Object.entries(entry.meta)) headers[`x-amz-meta-${name}`] = value
  if (entry.parts !== undefined) headers['x-amz-mp-parts-count'] = String(entry.parts)
  return headers
}

export function readObject(
  store: S3Store,
  req: IncomingMessage,
  res: ServerResponse,
  target: {bucket: string; key: string; query: URLSearchParams},
): void {
  const entry = store.get(target.bucket, target.key)
  if (!entry) throw noSuchKey(target.key)
  const headers = objectHeaders(entry)
  const verdict = evaluate(req.headers, entry)
  if (verdict === 'precondition-failed') {
    throw preconditionFailed(req.headers['if-match'] ? 'If-Match' : 'If-Unmodified-Since')
  }

  if (verdict === 'not-modified') {
    const {etag, 'last-modified': lastModified} = headers
    res.writeHead(304, {etag, 'last-modified': lastModified, 'x-amz-request-id': headers['x-amz-request-id']}).end()
    return
  }

  for (const [name, value] of target.query) if (OVERRIDES[name]) headers[OVERRIDES[name]] = value
  if (req.method === 'HEAD' || entry.size === 0) {
    const range = parseRange(req.headers.range, entry.size)
    Object.assign(headers, rangeHeaders(req, target.query, entry, range))
    res.writeHead(range ? 206 : 200, headers).end()
    return
  }

  // Opened now, synchronously: a delete that follows removes the name, not this read's file. The size is the
  // file's: a body damaged on disk is sent as it is, for the client's checksum to catch.
  const fd = openSync(store.bodyPath(entry.sha256), 'r')
  const {size} = fstatSync(fd)
  let range
  try {
    range = parseRange(req.headers.range, size)
  } catch (error) {
    closeSync(fd)
    throw error
  }

  Object.assign(headers, rangeHeaders(req, target.query, {...entry, size}, range))
  res.writeHead(range ? 206 : 200, headers)
  const stream = createReadStream('', {end: range?.end ?? size - 1, fd, highWaterMark: 256 * 1024, start: range?.start})
  stream.on('error', () => res.destroy())
  res.on('close', () => stream.destroy())
  stream.pipe(res)
}

/** Content-Length, Content-Range, and the checksum when asked for the whole object. */
function rangeHeaders(
  req: IncomingMessage,
  query: URLSearchParams,
  entry: ObjectEntry,
  range: ByteRange | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {}
  const checksumMode = req.headers['x-amz-checksum-mode'] ?? query.get('x-amz-checksum-mode') ?? ''
  if (!range && String(checksumMode).toUpperCase() === 'ENABLED' && entry.checksum) {
    headers[`x-amz-checksum-${entry.checksum.algorithm}`] = entry.checksum.value
    headers['x-amz-checksum-type'] = entry.checksum.type
  }

  const start = range?.start ?? 0
  const end = range?.end ?? entry.size - 1
  headers['content-length'] = String(end - start + 1)
  if (range) headers['content-range'] = `bytes ${start}-${end}/${entry.size}`
  return headers
}
