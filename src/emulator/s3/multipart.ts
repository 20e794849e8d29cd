/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort. A part number given again replaces the
 * earlier part, as UploadPart does in S3; Complete must list parts in strictly ascending order (a number twice is
 * `InvalidPartOrder`), each as uploaded (`InvalidPart`), all but the last at least 5 MiB (`EntityTooSmall`). The
 * object is the parts concatenated file to file, never read into memory.
 */
import {createHash} from 'node:crypto'
import {rmSync} from 'node:fs'

import {BodyDigests, type ChecksumAlgorithm, compositeChecksum, isChecksumAlgorithm} from './checksums'
import {invalidArgument, malformedXml, noSuchUpload, notImplemented, S3Error} from './errors'
import {appendFile, writeNewFile} from './files'
import {objectHeaders, refuseUnsupported} from './headers'
import {MAX_OBJECT_BYTES, receive} from './ingest'
import {copySourceEntry} from './objects'
import {bucketOf, type S3Request, smallBody} from './request'
import {element, elements, sendXml, toXml} from './xml'

export const MAX_PARTS = 10_000
const MIN_PART_BYTES = 5 * 1024 * 1024

const checksumField = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm.toUpperCase()}`

export async function createMultipartUpload(request: S3Request): Promise<string> {
  bucketOf(request)
  refuseUnsupported(request.req)
  const headers = objectHeaders(request.req)
  const named = String(request.req.headers['x-amz-checksum-algorithm'] ?? '').toLowerCase()
  if (named && !isChecksumAlgorithm(named)) throw notImplemented(`x-amz-checksum-algorithm: ${named}`)

  const algorithm = named ? (named as ChecksumAlgorithm) : undefined
  const type = String(request.req.headers['x-amz-checksum-type'] ?? 'COMPOSITE').toUpperCase()
  if ((type !== 'COMPOSITE' && type !== 'FULL_OBJECT') || (type === 'FULL_OBJECT' && !algorithm?.startsWith('crc'))) {
    throw invalidArgument(
      `The checksum type ${type} is not supported with ${algorithm ?? 'no algorithm'}`,
      'x-amz-checksum-type',
      type,
    )
  }

  await smallBody(request)
  const checksumType = algorithm ? (type as 'COMPOSITE' | 'FULL_OBJECT') : undefined
  const id = request.store.createUpload(request.bucket, request.key, {...headers, algorithm, checksumType})
  const answer: Record<string, string> = algorithm
    ? {'x-amz-checksum-algorithm': algorithm.toUpperCase(), 'x-amz-checksum-type': type}
    : {}
  const result = {Bucket: request.bucket, Key: request.key, UploadId: id}
  sendXml(request.res, 200, toXml('InitiateMultipartUploadResult', result), answer)
  return 'CreateMultipartUpload'
}

function uploadOf(request: S3Request) {
  const id = request.query.get('uploadId') ?? ''
  const upload = request.store.upload(id)
  if (!upload || upload.bucket !== request.bucket || upload.key !== request.key) throw noSuchUpload(id)
  return {id, upload}
}

function partNumber(request: S3Request): number {
  const raw = request.query.get('partNumber') ?? ''
  const number = Number(raw)
  if (!/^\d+$/.test(raw) || number < 1 || number > MAX_PARTS) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw)
  }

  return number
}

export async function uploadPart(request: S3Request): Promise<string> {
  bucketOf(request)
  const number = partNumber(request)
  const {id, upload} = uploadOf(request)
  const temp = request.store.tempPath()
  const got = await receive(request.req, {
    algorithm: upload.algorithm,
    auth: request.auth,
    maxBytes: MAX_OBJECT_BYTES,
    toFile: temp,
  })
  return storePart(request, {digests: got.digests, id, number, operation: 'UploadPart', temp})
}

/** `x-amz-copy-source-range: bytes=a-b`, within the source. */
function copyRange(header: string | undefined, size: number): undefined | {end: number; start: number} {
  if (header === undefined) return undefined
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim())
  if (!m || Number(m[2]) < Number(m[1]) || Number(m[2]) >= size) {
    throw invalidArgument(
      `Range specified is not valid for source object of size: ${size}`,
      'x-amz-copy-source-range',
      header,
    )
  }

  return {end: Number(m[2]), start: Number(m[1])}
}

export async function uploadPartCopy(request: S3Request): Promise<string> {
  bucketOf(request)
  const number = partNumber(request)
  const {id, upload} = uploadOf(request)
  await smallBody(request)
  const source = copySourceEntry(request)
  const range = copyRange(request.req.headers['x-amz-copy-source-range'] as string | undefined, source.size)
  if ((range ? range.end - range.start + 1 : source.size) > MAX_OBJECT_BYTES) {
    throw invalidArgument(
      `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_BYTES}`,
    )
  }

  const temp = request.store.tempPath()
  const digests = new BodyDigests(upload.algorithm ? [upload.algorithm] : [])
  await writeNewFile(temp, (out) =>
    source.size === 0 ? Promise.resolve() : appendFile(out, request.store.bodyPath(source.sha256), digests, range),
  )
  return storePart(request, {digests: digests.finish(), id, number, operation: 'UploadPartCopy', temp})
}

interface ArrivedPart {
  digests: ReturnType<BodyDigests['finish']>
  id: string
  number: number
  operation: 'UploadPart' | 'UploadPartCopy'
  temp: string
}

function storePart(request: S3Request, {digests, id, number, operation, temp}: ArrivedPart): string {
  const {store} = request
  const upload = store.upload(id)
  if (!upload) {
    rmSync(temp, {force: true})
    throw noSuchUpload(id)
  }

  store.commitBody(temp, digests.sha256)
  const checksum = upload.algorithm ? digests.checksums[upload.algorithm] : undefined
  const part = store.putPart(id, number, {
    checksum,
    etag: `"${digests.md5.toString('hex')}"`,
    sha256: digests.sha256,
    size: digests.size,
  })
  const checksumHeader: Record<string, string> =
    checksum && upload.algorithm ? {[`x-amz-checksum-${upload.algorithm}`]: checksum} : {}
  if (operation === 'UploadPart') {
    request.res.writeHead(200, {etag: part.etag, ...checksumHeader}).end()
  } else {
    const result = {
      ETag: part.etag,
      LastModified: new Date(part.modified).toISOString(),
      ...(checksum && upload.algorithm ? {[checksumField(upload.algorithm)]: checksum} : {}),
    }
    sendXml(request.res, 200, toXml('CopyPartResult', result))
  }

  return operation
}

const completing = new Set<string>()
const unquote = (etag: string) => etag.trim().replaceAll('"', '').replaceAll('&quot;', '').replaceAll('&#34;', '')

export async function completeMultipartUpload(request: S3Request): Promise<string> {
  bucketOf(request)
  const {id, upload} = uploadOf(request)
  const xml = (await smallBody(request)).toString('utf8')
  const listed = elements(xml, 'Part').map((part) => ({
    checksum: upload.algorithm ? element(part, checksumField(upload.algorithm)) : undefined,
    etag: element(part, 'ETag'),
    number: Number(element(part, 'PartNumber')),
  }))
  if (!/<CompleteMultipartUpload[\s>]/.test(xml) || listed.length === 0) throw malformedXml()
  if (listed.length > MAX_PARTS) throw malformedXml()
  for (const [i, part] of listed.entries()) {
    if (i > 0 && !(part.number > listed[i - 1].number)) {
      throw new S3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        400,
        {
          fields: {UploadId: id},
        },
      )
    }
  }

  const parts = listed.map((given, i) => {
    const stored = upload.parts.get(given.number)
    const sameChecksum = given.checksum === undefined || given.checksum === stored?.checksum
    if (!stored || given.etag === undefined || unquote(given.etag) !== unquote(stored.etag) || !sameChecksum) {
      throw new S3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
        400,
        {fields: {ETag: given.etag ?? '', PartNumber: String(given.number), UploadId: id}},
      )
    }

    if (i < listed.length - 1 && stored.size < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
        fields: {
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(given.number),
          ProposedSize: String(stored.size),
        },
      })
    }

    return stored
  })
  if (completing.has(id)) throw noSuchUpload(id)
  completing.add(id)
  try {
    const {store} = request
    const full = upload.checksumType === 'FULL_OBJECT' ? upload.algorithm : undefined
    const digests = new BodyDigests(full ? [full] : [])
    const temp = store.tempPath()
    await writeNewFile(temp, async (out) => {
      // eslint-disable-next-line no-await-in-loop -- the parts go into the file in order
      for (const part of parts) if (part.size > 0) await appendFile(out, store.bodyPath(part.sha256), digests)
    })
    const whole = digests.finish()
    if (!store.upload(id)) {
      rmSync(temp, {force: true})
      throw noSuchUpload(id)
    }

    store.commitBody(temp, whole.sha256)
    const md5s = Buffer.concat(parts.map((part) => Buffer.from(unquote(part.etag), 'hex')))
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`
    const {algorithm} = upload
    const checksum =
      algorithm === undefined
        ? undefined
        : full
          ? {algorithm, type: 'FULL_OBJECT' as const, value: whole.checksums[algorithm]!}
          : {
              algorithm,
              type: 'COMPOSITE' as const,
              value: compositeChecksum(
                algorithm,
                parts.map((p) => p.checksum ?? ''),
              ),
            }
    const entry = store.put(upload.bucket, upload.key, {
      checksum,
      content: upload.content,
      etag,
      meta: upload.meta,
      parts: parts.length,
      sha256: whole.sha256,
      size: whole.size,
    })
    store.endUpload(id)
    const result = {
      Bucket: upload.bucket,
      ETag: entry.etag,
      Key: upload.key,
      Location: `/${upload.bucket}/${upload.key}`,
      ...(checksum ? {[checksumField(checksum.algorithm)]: checksum.value, ChecksumType: checksum.type} : {}),
    }
    sendXml(request.res, 200, toXml('CompleteMultipartUploadResult', result))
  } finally {
    completing.delete(id)
  }

  return 'CompleteMultipartUpload'
}

export async function abortMultipartUpload(request: S3Request): Promise<string> {
  bucketOf(request)
  const {id} = uploadOf(request)
  await smallBody(request)
  request.store.endUpload(id)
  request.res.writeHead(204).end()
  return 'AbortMultipartUpload'
}
