/**
 * The older S3 query signature (Signature Version 2: `AWSAccessKeyId`, `Expires`, `Signature`), which boto3 still
 * makes when asked for `signature_version='s3'`. HMAC-SHA1, with the key's secret, over the string S3's developer
 * guide defines for query string authentication: the verb, Content-MD5, Content-Type, the expiry, the `x-amz-`
 * headers (sorted, `name:value`), and the resource: the path as sent plus the sub-resources present in the query
 * (`uploads`, `uploadId`, `partNumber`, `acl`, `delete`, `response-*`, ...), sorted by name. So a sub-resource
 * added to a URL (`&uploads=` turning a PUT into a multipart upload) breaks the signature. A signer moves the
 * `x-amz-*` headers into the query (botocore does, the security token among them): they are read from there;
 * Content-MD5 and Content-Type, which botocore copies into the query too, are the request's own headers.
 *
 * S3 itself puts no limit on how far ahead `Expires` may be (it is an absolute time); the emulator refuses more
 * than seven days ahead, Signature Version 4's limit, so no URL it accepts outlives what SigV4 would allow.
 */
import {createHmac, timingSafeEqual} from 'node:crypto'

import type {EmulatorKeys} from './keys'
import type {Failure, WireRequest} from './sigv4'

import {BAD_SIGNATURE_MESSAGE} from './refusals'
import {MAX_EXPIRES_S, MAX_SKEW_MS, queryPairs} from './sigv4'

/** The sub-resources S3 signs (the list S3's guide gives, as botocore's HmacV1Auth keeps it). */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'defaultObjectAcl',
  'delete',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'select',
  'select-type',
  'storageClass',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
])

export function isSigV2Presign(url: URL): boolean {
  return ['AWSAccessKeyId', 'Expires', 'Signature'].every((name) => url.searchParams.has(name))
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The string the signature covers: Content-MD5 and Content-Type are the request's headers, as S3 reads them. */
export function sigV2StringToSign({headers, method, target}: WireRequest): string {
  const pairs = queryPairs(target)
  const header = (name: string) => {
    const value = headers[name]
    return (Array.isArray(value) ? value.join(',') : value) ?? ''
  }

  const expires = pairs.find(([name]) => name === 'Expires')?.[1] ?? ''
  const amzHeaders = pairs
    .filter(([name]) => name.toLowerCase().startsWith('x-amz-'))
    .map(([name, v]) => `${name.toLowerCase()}:${v.trim()}\n`)
    .sort()
    .join('')
  // `uploads` and `uploads=` sign differently: the raw query says which was sent.
  const at = target.indexOf('?')
  const subresources = (at === -1 ? [] : target.slice(at + 1).split('&'))
    .map((part) => {
      const eq = part.indexOf('=')
      return eq === -1
        ? {name: part, text: part}
        : {name: part.slice(0, eq), text: `${part.slice(0, eq)}=${decode(part.slice(eq + 1))}`}
    })
    .filter(({name}) => SIGNED_SUBRESOURCES.has(name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({text}) => text)
  const path = target.split('?')[0]
  const resource = subresources.length === 0 ? path : `${path}?${subresources.join('&')}`
  const standard = [method.toUpperCase(), header('content-md5'), header('content-type'), expires].join('\n')
  return `${standard}\n${amzHeaders}${resource}`
}

/** Undefined when the URL is signed with a key of this emulator, has not expired and does not reach too far. */
export function checkSigV2Presign(request: WireRequest, keys: EmulatorKeys, now: number): Failure | undefined {
  const url = new URL(request.target, 'http://emulator')
  const raw = url.searchParams.get('Expires') ?? ''
  const expires = Number(raw)
  if (!/^\d{1,12}$/.test(raw)) return {message: 'Expires must be a time in seconds since 1970', refusal: 'incomplete'}
  if (expires * 1000 < now) return {message: 'Request has expired', refusal: 'expired-token'}
  if (expires * 1000 > now + MAX_EXPIRES_S * 1000 + MAX_SKEW_MS) {
    return {
      message: `Expires is more than ${MAX_EXPIRES_S} seconds (seven days) ahead, the longest a presigned URL may be valid`,
      refusal: 'incomplete',
    }
  }

  const token = url.searchParams.get('x-amz-security-token') ?? undefined
  const secret = keys.secretFor(url.searchParams.get('AWSAccessKeyId') ?? '', token, now)
  if (typeof secret !== 'string') return secret
  const expected = createHmac('sha1', secret).update(sigV2StringToSign(request)).digest()
  const given = Buffer.from(url.searchParams.get('Signature') ?? '', 'base64')
  const ok = given.length === expected.length && timingSafeEqual(given, expected)
  return ok ? undefined : {message: BAD_SIGNATURE_MESSAGE, refusal: 'bad-signature'}
}
