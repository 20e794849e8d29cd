/**
 * What a request's signature says about its body, for S3 whose bodies stream to disk and are checked once through:
 * nothing (a SigV2 presigned URL, `UNSIGNED-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), a SHA-256 declared in
 * `x-amz-content-sha256`, the signature itself over the body's hash (no hash declared), or a signature per chunk.
 */
import type {Admitted} from '../http/auth'
import type {ChunkVerifier} from './chunked'

import {
  chunkSignature,
  signatureMatches,
  signingKey,
  trailerSignature,
  UNSIGNED_PAYLOAD,
  type WireRequest,
} from '../auth/sigv4'
import {notImplemented} from './errors'

export type PayloadAuth =
  | {chunks?: ChunkVerifier; kind: 'chunked'}
  | {expected: string; kind: 'sha256'}
  | {kind: 'signature'; matches(sha256: string): boolean}
  | {kind: 'unsigned'}

export function payloadAuth(admitted: Admitted | undefined, wire: WireRequest): PayloadAuth {
  if (!admitted) return {kind: 'unsigned'}
  const {claim, hash, secret} = admitted
  if (hash === undefined) return {kind: 'signature', matches: (sha256) => signatureMatches(wire, claim, secret, sha256)}
  if (hash === UNSIGNED_PAYLOAD) return {kind: 'unsigned'}
  if (/^[\da-f]{64}$/.test(hash)) return {expected: hash, kind: 'sha256'}
  if (hash === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') return {kind: 'chunked'}
  if (hash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) {
    const key = signingKey(secret, claim.scope)
    return {
      chunks: {
        chunk: (previous, sha256) => chunkSignature(key, claim, previous, sha256),
        seed: claim.signature,
        trailer: (previous, sha256) => trailerSignature(key, claim, previous, sha256),
        trailerSigned: hash.endsWith('-TRAILER'),
      },
      kind: 'chunked',
    }
  }

  // STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD: Signature Version 4A, which the emulator does not speak.
  throw notImplemented(`x-amz-content-sha256: ${hash}`)
}
