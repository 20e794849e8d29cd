/**
 * Receiving a request body: to a file in the store's tmp/ (object bodies and parts, up to 5 GiB) or to memory
 * (the small XML documents), as it arrives, decoding aws-chunked and digesting on the way, then checking it
 * against what the request claimed: its signature's payload hash or chunk signatures, `x-amz-decoded-content-length`,
 * `Content-MD5`, and a flexible checksum (`x-amz-checksum-*`, in a header or in the trailer).
 */
import type {IncomingMessage} from 'node:http'

import {open, rm} from 'node:fs/promises'

import {BodyDigests, type ChecksumAlgorithm, isChecksumAlgorithm} from './checksums'
import {AwsChunkedDecoder, signatureMismatch} from './chunked'
import {invalidArgument, notImplemented, S3Error} from './errors'
import {type PayloadAuth} from './payload-auth'

/** S3's limit for a single PUT and for one part. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3
/** Past this, a refused body is not read to its end: the connection is cut instead. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024

export interface Received {
  /** The flexible checksum the client sent (and which matched), if any. */
  checksum?: {algorithm: ChecksumAlgorithm; value: string}
  /** Set for a body received to memory. */
  data?: Buffer
  digests: ReturnType<BodyDigests['finish']>
}

export interface ReceiveOptions {
  /** Also compute this checksum (a multipart upload's algorithm) though the client sent none. */
  algorithm?: ChecksumAlgorithm
  auth: PayloadAuth
  maxBytes: number
  /** Receive to this file (created, never overwritten); else to memory. */
  toFile?: string
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

const tooLarge = (maxBytes: number) =>
  new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
    fields: {MaxSizeAllowed: String(maxBytes)},
  })

/** The checksum the request declares: which algorithm, and its value unless it comes in the trailer. */
function declaredChecksum(req: IncomingMessage): undefined | {algorithm: ChecksumAlgorithm; value?: string} {
  const named = Object.keys(req.headers)
    .filter((name) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm')
    .map((name) => name.slice('x-amz-checksum-'.length))
    .filter((name) => name !== 'type' && name !== 'mode')
  const trailer = (header(req, 'x-amz-trailer') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.startsWith('x-amz-checksum-'))
    .map((name) => name.slice('x-amz-checksum-'.length))
  const all = [...named, ...trailer]
  if (all.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      400,
    )
  }

  if (all.length === 0) return undefined
  const [algorithm] = all
  if (!isChecksumAlgorithm(algorithm)) throw notImplemented(`x-amz-checksum-${algorithm}`)

  return {algorithm, value: named.length > 0 ? header(req, `x-amz-checksum-${algorithm}`) : undefined}
}

interface Checked {
  auth: PayloadAuth
  declared: ReturnType<typeof declaredChecksum>
  decodedLength?: string
  digests: Received['digests']
  trailers: Record<string, string>
}

/** Reads and checks the body; a failure is thrown as an S3Error after as much of the body as was sensible. */
export async function receive(req: IncomingMessage, options: ReceiveOptions): Promise<Received> {
  const {auth, maxBytes} = options
  const declared = declaredChecksum(req)
  const chunked = auth.kind === 'chunked' || /(^|,)\s*aws-chunked\s*(,|$)/i.test(header(req, 'content-encoding') ?? '')
  const decodedLength = header(req, 'x-amz-decoded-content-length')
  if (Number(chunked ? decodedLength : header(req, 'content-length')) > maxBytes) throw tooLarge(maxBytes)
  const algorithms = [declared?.algorithm, options.algorithm].filter((a): a is ChecksumAlgorithm => a !== undefined)
  const digests = new BodyDigests(new Set(algorithms))
  const decoder = chunked ? new AwsChunkedDecoder(auth.kind === 'chunked' ? auth.chunks : undefined) : undefined
  const file = options.toFile === undefined ? undefined : await open(options.toFile, 'wx', 0o600)
  const memory: Buffer[] = []
  try {
    await pump(
      req,
      maxBytes,
      (raw) => decoder?.push(raw) ?? [raw],
      async (piece) => {
        digests.update(piece)
        if (digests.size > maxBytes) throw tooLarge(maxBytes)
        if (file) await file.write(piece)
        else memory.push(Buffer.from(piece))
      },
    )
    decoder?.end()
    await file?.close()
    const finished = digests.finish()
    check(req, {auth, declared, decodedLength, digests: finished, trailers: decoder?.trailers ?? {}})
    const checksum = declared && {algorithm: declared.algorithm, value: finished.checksums[declared.algorithm]!}
    return {checksum, data: file ? undefined : Buffer.concat(memory), digests: finished}
  } catch (error) {
    await file?.close().catch(() => {})
    if (options.toFile) await rm(options.toFile, {force: true})
    throw error
  }
}

/**
 * Feeds the body through `decode` to `take`, one piece at a time (so the file's pace is the client's). After a
 * failure the rest of the body is read and dropped, up to a limit, so the client can read the answer.
 */
async function pump(
  req: IncomingMessage,
  maxBytes: number,
  decode: (raw: Buffer) => Buffer[],
  take: (piece: Buffer) => Promise<void>,
): Promise<void> {
  /** Undefined, or why the body is refused. */
  const feed = async (raw: Buffer): Promise<unknown> => {
    try {
      // eslint-disable-next-line no-await-in-loop -- the pieces go to the file in order
      for (const piece of decode(raw)) await take(piece)
    } catch (error) {
      return error
    }

    return undefined
  }

  let failure: unknown
  let discarded = 0
  try {
    for await (const raw of req as AsyncIterable<Buffer>) {
      if (failure === undefined) {
        failure = await feed(raw)
      } else if ((discarded += raw.length) > Math.min(maxBytes, MAX_DISCARD_BYTES)) {
        req.socket.destroy()
        break
      }
    }
  } catch {
    // The client went away in the middle of the body: the upload is incomplete, nothing more.
    throw new S3Error('IncompleteBody', 'The request body ended before its length', 400)
  }

  if (failure !== undefined) throw failure
  if (!req.complete) throw new S3Error('IncompleteBody', 'The request body ended before its length', 400)
}

function check(req: IncomingMessage, {auth, declared, decodedLength, digests, trailers}: Checked): void {
  if (auth.kind === 'sha256' && auth.expected !== digests.sha256) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      'The provided x-amz-content-sha256 header does not match what was computed.',
      400,
    )
  }

  if (auth.kind === 'signature' && !auth.matches(digests.sha256)) throw signatureMismatch()
  if (decodedLength !== undefined && Number(decodedLength) !== digests.size) {
    throw new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
    )
  }

  checkMd5(header(req, 'content-md5'), digests.md5)
  if (!declared) return
  const name = `x-amz-checksum-${declared.algorithm}`
  const given = declared.value ?? trailers[name]
  if (given === undefined) throw invalidArgument(`The trailer ${name} is missing from the body`, name, '')
  if (given !== digests.checksums[declared.algorithm]) {
    throw new S3Error(
      'BadDigest',
      `The ${declared.algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      400,
    )
  }
}

function checkMd5(given: string | undefined, md5: Buffer): void {
  if (given === undefined || given === md5.toString('base64')) return
  if (!/^[\d+/A-Za-z]{22}==$/.test(given)) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400)
  }

  throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400)
}
