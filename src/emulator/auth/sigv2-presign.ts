/**
 * The older S3 query signature (Signature Version 2: `AWSAccessKeyId`, `Expires`, `Signature`), which boto3 before
 * 1.36 still makes for presigned S3 GETs. Only what a presigned URL can carry is checked: the verb, the expiry and
 * the path, HMAC-SHA1 over them with the key's secret, as S3's developer guide specifies for query string
 * authentication (no Content-MD5, no Content-Type, no x-amz- headers in a plain GET).
 */
import {createHmac, timingSafeEqual} from 'node:crypto'

import type {EmulatorKeys} from './keys'
import type {Failure} from './sigv4'

import {BAD_SIGNATURE_MESSAGE} from './refusals'

export function isSigV2Presign(url: URL): boolean {
  return ['AWSAccessKeyId', 'Expires', 'Signature'].every((name) => url.searchParams.has(name))
}

/** Undefined when the URL is signed with a key of this emulator and has not expired. */
export function checkSigV2Presign(
  method: string,
  target: string,
  keys: EmulatorKeys,
  now: number,
): Failure | undefined {
  const url = new URL(target, 'http://emulator')
  const expires = Number(url.searchParams.get('Expires'))
  if (!Number.isInteger(expires) || expires * 1000 < now) {
    return {message: 'Request has expired', refusal: 'expired-token'}
  }

  const token = url.searchParams.get('x-amz-security-token') ?? undefined
  const secret = keys.secretFor(url.searchParams.get('AWSAccessKeyId') ?? '', token, now)
  if (typeof secret !== 'string') return secret
  // The resource is the path as sent (still percent-encoded), plus the security token, the one sub-resource here.
  const path = target.split('?')[0]
  const resource = token === undefined ? path : `${path}?x-amz-security-token=${token}`
  const expected = createHmac('sha1', secret).update(`${method}\n\n\n${expires}\n${resource}`).digest()
  const given = Buffer.from(url.searchParams.get('Signature') ?? '', 'base64')
  const ok = given.length === expected.length && timingSafeEqual(given, expected)
  return ok ? undefined : {message: BAD_SIGNATURE_MESSAGE, refusal: 'bad-signature'}
}
