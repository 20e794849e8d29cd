/**
 * Every request but the health challenge and a job's credentials fetch must be signed (SigV4) with the emulator's
 * credentials or a job's session credentials derived from them. In two steps: what can be checked from the
 * headers is checked before a byte of the body is read; the rest once the (size-capped) body is in.
 */
import type {EmulatorKeys} from '../auth/keys'

import {BAD_SIGNATURE_MESSAGE} from '../auth/refusals'
import {
  bodyMatches,
  type Claim,
  declaredHashes,
  type Failure,
  isFailure,
  queryPairs,
  readClaim,
  sha256Hex,
  signatureMatches,
  type WireRequest,
} from '../auth/sigv4'

export interface Admitted {
  claim: Claim
  /** The payload hash the signature was checked with; undefined when it can only be checked over the body. */
  hash?: string
  secret: string
}

const badSignature: Failure = {message: BAD_SIGNATURE_MESSAGE, refusal: 'bad-signature'}

/** Step one, headers only: the claim, the key, and the signature itself when the client declared its payload hash. */
export function admitHeaders(
  request: WireRequest,
  service: string,
  keys: EmulatorKeys,
  now: number,
): Admitted | Failure {
  const claim = readClaim(request, service, now)
  if (isFailure(claim)) return claim
  const secret = keys.secretFor(claim.accessKeyId, claim.securityToken, now)
  if (typeof secret !== 'string') return secret
  const hashes = declaredHashes(claim, service)
  if (isFailure(hashes)) return hashes
  if (hashes === undefined) return {claim, secret}
  const hash = hashes.find((candidate) => signatureMatches(request, claim, secret, candidate))
  return hash === undefined ? badSignature : {claim, hash, secret}
}

/** Step two: the body is the one the signature covers. */
export function admitBody(
  admitted: Admitted,
  request: WireRequest,
  service: string,
  body: Buffer,
): Failure | undefined {
  const {claim, hash, secret} = admitted
  if (hash === undefined) return signatureMatches(request, claim, secret, sha256Hex(body)) ? undefined : badSignature
  if (bodyMatches(claim, service, hash, body)) return undefined
  return {
    message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    refusal: 'body-hash-mismatch',
  }
}

/**
 * The access key id a request claims, read before any check (a refused request counts too): from the Authorization
 * header's Credential, a presigned URL's X-Amz-Credential, or the older presign's AWSAccessKeyId. Undefined when it
 * names none.
 */
export function claimedKeyId(request: WireRequest): string | undefined {
  const {authorization} = request.headers
  const text = Array.isArray(authorization) ? authorization.join(',') : authorization
  const fromHeader = text === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(text)?.[1]
  if (fromHeader !== undefined) return fromHeader
  const query = new Map(queryPairs(request.target))
  const credential = query.get('X-Amz-Credential')
  return (credential === undefined ? query.get('AWSAccessKeyId') : credential.split('/')[0]) || undefined
}
