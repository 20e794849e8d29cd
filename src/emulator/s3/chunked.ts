/**
 * Decoding `aws-chunked` bodies as they arrive: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` per chunk, a
 * zero-size chunk, then trailer lines (`x-amz-checksum-crc32:<b64>`, `x-amz-trailer-signature:<sig>`) and an empty
 * line. When the request is signed chunk by chunk, every signature is checked against the chain that starts at the
 * request's own signature (sigv4.ts); a broken chain is `SignatureDoesNotMatch`.
 */
import {createHash, type Hash} from 'node:crypto'

import {sameSignature} from '../auth/sigv4'
import {S3Error} from './errors'

export interface ChunkVerifier {
  chunk(previous: string, chunkSha256: string): string
  /** The request's signature: the first link of the chain. */
  seed: string
  trailer(previous: string, trailerSha256: string): string
  /** Whether the trailer is signed too (the `-TRAILER` variant). */
  trailerSigned: boolean
}

const MAX_LINE = 4096

export const signatureMismatch = () =>
  new S3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    403,
  )

const incomplete = (why: string) =>
  new S3Error('IncompleteBody', `The request body is not valid aws-chunked: ${why}`, 400)

export class AwsChunkedDecoder {
  readonly trailers: Record<string, string> = {}
  private chunkHash: Hash | undefined
  private chunkSignature = ''
  private line = Buffer.alloc(0)
  private previous: string
  private remaining = 0
  private state: 'data' | 'data-end' | 'done' | 'size' | 'trailer' = 'size'
  private trailerLines: string[] = []

  constructor(private readonly verifier?: ChunkVerifier) {
    this.previous = verifier?.seed ?? ''
  }

  /** Ends the body: it must have ended where aws-chunked can. */
  end(): void {
    if (this.state === 'trailer' && this.line.length === 0) this.finishTrailer()
    if (this.state !== 'done') throw incomplete('it ended in the middle of a chunk')
  }

  /** The decoded data in `input` (slices of it). */
  push(input: Buffer): Buffer[] {
    const out: Buffer[] = []
    let at = 0
    while (at < input.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, input.length - at)
        const piece = input.subarray(at, at + take)
        this.chunkHash?.update(piece)
        out.push(piece)
        this.remaining -= take
        at += take
        if (this.remaining === 0) this.state = 'data-end'
        continue
      }

      if (this.state === 'done') throw incomplete('there are bytes after its end')
      const nl = input.indexOf(0x0a, at)
      const end = nl === -1 ? input.length : nl + 1
      this.line = Buffer.concat([this.line, input.subarray(at, end)])
      at = end
      if (this.line.length > MAX_LINE) throw incomplete('a line is too long')
      if (nl === -1) continue
      const text = this.line.subarray(0, this.line.length - (this.line.at(-2) === 0x0d ? 2 : 1)).toString('latin1')
      this.line = Buffer.alloc(0)
      this.takeLine(text)
    }

    return out
  }

  private checkChunk(): void {
    if (!this.verifier) return
    const hash = (this.chunkHash ?? createHash('sha256')).digest('hex')
    const expected = this.verifier.chunk(this.previous, hash)
    if (!sameSignature(this.chunkSignature, expected)) throw signatureMismatch()
    this.previous = expected
  }

  private finishTrailer(): void {
    if (this.verifier?.trailerSigned) {
      const given = this.trailers['x-amz-trailer-signature']
      const canonical = this.trailerLines
        .filter((line) => !line.toLowerCase().startsWith('x-amz-trailer-signature:'))
        .map((line) => `${line}\n`)
        .join('')
      const expected = this.verifier.trailer(this.previous, createHash('sha256').update(canonical).digest('hex'))
      if (!sameSignature(given ?? '', expected)) throw signatureMismatch()
    }

    this.state = 'done'
  }

  private takeLine(text: string): void {
    if (this.state === 'data-end') {
      if (text !== '') throw incomplete('a chunk is longer than its size says')
      this.checkChunk()
      this.state = 'size'
      return
    }

    if (this.state === 'trailer') {
      if (text === '') return this.finishTrailer()
      const colon = text.indexOf(':')
      if (colon === -1) throw incomplete(`the trailer line ${JSON.stringify(text)} has no colon`)
      this.trailerLines.push(text)
      this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim()
      return
    }

    const [sizeText, ...extensions] = text.split(';')
    if (!/^[\da-f]{1,16}$/i.test(sizeText.trim())) throw incomplete(`${JSON.stringify(sizeText)} is not a chunk size`)
    const size = Number.parseInt(sizeText, 16)
    const signature = extensions.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length)
    if (this.verifier && signature === undefined) throw signatureMismatch()
    this.chunkSignature = signature ?? ''
    this.chunkHash = this.verifier ? createHash('sha256') : undefined
    if (size > 0) {
      this.remaining = size
      this.state = 'data'
      return
    }

    this.checkChunk()
    this.state = 'trailer'
  }
}
