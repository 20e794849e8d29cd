/**
 * Signature Version 4 as a server checks it, written from AWS's specification: the canonical request (method,
 * canonical URI, canonical query string, canonical headers, signed header list, payload hash), the string to sign
 * over the credential scope, and the HMAC-SHA256 key derivation. Pure: the clock and the secret come from the caller.
 *
 * Two steps, so that nothing is read from a client before it has shown who it is: `readClaim` looks only at the
 * request line and headers (algorithm, credential scope, date window, signed headers); `signatureMatches` checks
 * the signature once the payload hash is known, which is before the body when the client declared it in
 * `x-amz-content-sha256` (the JS SDK always does) and after it otherwise (boto3 and the AWS CLI hash the body).
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'

export const ALGORITHM = 'AWS4-HMAC-SHA256'
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
/** Payload markers of S3's chunked uploads: the signature covers the marker, each chunk is signed on its own. */
export const STREAMING_PAYLOADS: ReadonlySet<string> = new Set([
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
])
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
/** AWS's window for a request's date, either side of the server's clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000
/** The longest a presigned URL may be valid (seven days). */
export const MAX_EXPIRES_S = 604_800

export type Headers = Record<string, string | string[] | undefined>

/** What a verifier needs of a request: the method, the target exactly as received (still percent-encoded). */
export interface WireRequest {
  headers: Headers
  method: string
  /** `req.url`: the path and query as they came over the wire. */
  target: string
}

/** Why a request is refused; refusals.ts turns each into its service's answer. */
export type Refusal =
  | 'bad-signature'
  | 'body-hash-mismatch'
  | 'expired-token'
  | 'incomplete'
  | 'missing'
  | 'unknown-key'
  | 'unsupported-payload'
  | 'wrong-date'
  | 'wrong-scope'

export interface Failure {
  message: string
  refusal: Refusal
}

/** A request's claim to be signed, read from its headers or its query string; the signature is not checked yet. */
export interface Claim {
  accessKeyId: string
  /** 20260101T000000Z: the date the string to sign names. */
  amzDate: string
  /** The payload hash the client declared in `x-amz-content-sha256`, if any. */
  declaredPayload?: string
  presigned: boolean
  scope: {date: string; region: string; service: string}
  securityToken?: string
  signature: string
  signedHeaders: string[]
}

const fail = (refusal: Refusal, message: string): Failure => ({message, refusal})

export const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && 'refusal' in value

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** The raw query string as ordered (name, value) pairs, percent-decoded. A `+` stays a plus, as AWS reads it. */
export function queryPairs(target: string): Array<[string, string]> {
  const at = target.indexOf('?')
  if (at === -1) return []
  const pairs: Array<[string, string]> = []
  for (const part of target.slice(at + 1).split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const [name, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]
    pairs.push([decode(name), decode(value)])
  }

  return pairs
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ as %XX. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replaceAll(/[!'()*]/g, (c) => `%${c.codePointAt(0)!.toString(16).toUpperCase()}`)
}

/**
 * The canonical URI. Every service but S3 normalizes the path (no empty or dot segments) and encodes the already
 * encoded path a second time; S3 signs the path as sent.
 */
export function canonicalUri(target: string, service: string): string {
  const at = target.indexOf('?')
  const path = (at === -1 ? target : target.slice(0, at)) || '/'
  if (service === 's3') return path
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }

  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`
  return uriEncode(normalized).replaceAll('%2F', '/')
}

/** Pairs sorted by encoded name, then value; a presigned request leaves its own signature out. */
export function canonicalQuery(target: string, presigned: boolean): string {
  return queryPairs(target)
    .filter(([name]) => !(presigned && name === 'X-Amz-Signature'))
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

/** `name:value\n` per signed header: values trimmed, runs of spaces made one. */
export function canonicalHeaders(headers: Headers, signed: readonly string[]): string {
  return signed.map((name) => `${name}:${(header(headers, name) ?? '').trim().replaceAll(/\s+/g, ' ')}\n`).join('')
}

export function canonicalRequest(request: WireRequest, claim: Claim, payloadHash: string): string {
  return [
    request.method.toUpperCase(),
    canonicalUri(request.target, claim.scope.service),
    canonicalQuery(request.target, claim.presigned),
    canonicalHeaders(request.headers, claim.signedHeaders),
    claim.signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** Signing keys change once a day per scope: derived once, not four HMACs per request. */
const signingKeys = new Map<string, Buffer>()

export function signingKey(secret: string, scope: Claim['scope']): Buffer {
  const id = `${sha256Hex(secret)}/${scope.date}/${scope.region}/${scope.service}`
  const known = signingKeys.get(id)
  if (known) return known
  const date = hmac(`AWS4${secret}`, scope.date)
  const key = hmac(hmac(hmac(date, scope.region), scope.service), 'aws4_request')
  if (signingKeys.size >= 256) signingKeys.clear()
  signingKeys.set(id, key)
  return key
}

export function stringToSign(claim: Claim, canonical: string): string {
  const {date, region, service} = claim.scope
  return [ALGORITHM, claim.amzDate, `${date}/${region}/${service}/aws4_request`, sha256Hex(canonical)].join('\n')
}

export function signatureMatches(request: WireRequest, claim: Claim, secret: string, payloadHash: string): boolean {
  const expected = hmac(
    signingKey(secret, claim.scope),
    stringToSign(claim, canonicalRequest(request, claim, payloadHash)),
  )
  const given = /^[\da-f]{64}$/.test(claim.signature) ? Buffer.from(claim.signature, 'hex') : Buffer.alloc(0)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** 20260101T120000Z as epoch ms; NaN when it is not that shape. */
export function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!m) return Number.NaN
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
}

const REGION = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/

/**
 * The request's claim (Authorization header or presigned query string), checked for everything that needs no
 * secret and no body: its shape, the scope (date, region, the service expected), and the date window. Refusals
 * name what is wrong as AWS's messages do.
 */
export function readClaim(request: WireRequest, service: string, now: number): Claim | Failure {
  const authorization = header(request.headers, 'authorization')
  const query = new Map(queryPairs(request.target))
  const claim = authorization === undefined ? presignedClaim(query) : headerClaim(authorization, request.headers)
  if (isFailure(claim)) return claim
  if (claim.scope.service !== service) {
    return fail('wrong-scope', `Credential should be scoped to correct service: '${service}'.`)
  }

  if (!REGION.test(claim.scope.region)) return fail('wrong-scope', `Credential should be scoped to a valid region.`)
  const signedAt = parseAmzDate(claim.amzDate)
  if (Number.isNaN(signedAt)) return fail('incomplete', `Invalid date ${claim.amzDate}: use the ISO 8601 basic format`)
  if (claim.scope.date !== claim.amzDate.slice(0, 8)) {
    return fail('wrong-scope', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date.`)
  }

  if (!claim.signedHeaders.includes('host')) {
    return fail('incomplete', `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`)
  }

  const window = claim.presigned
    ? presignedWindow(query, signedAt)
    : {from: signedAt - MAX_SKEW_MS, to: signedAt + MAX_SKEW_MS}
  if (isFailure(window)) return window
  if (now < window.from || now > window.to) {
    const when = new Date(now).toISOString()
    return fail(
      'wrong-date',
      claim.presigned && now > window.to
        ? `Signature expired: ${claim.amzDate} plus its X-Amz-Expires is now earlier than ${when}.`
        : `Signature expired: ${claim.amzDate} is not within 15 minutes of ${when} (the emulator's clock).`,
    )
  }

  return claim
}

function presignedWindow(query: Map<string, string>, signedAt: number): Failure | {from: number; to: number} {
  const raw = query.get('X-Amz-Expires')
  const expires = Number(raw)
  if (raw === undefined || !/^\d+$/.test(raw) || expires < 1 || expires > MAX_EXPIRES_S) {
    return fail('incomplete', `X-Amz-Expires must be a number of seconds from 1 to ${MAX_EXPIRES_S}.`)
  }

  return {from: signedAt - MAX_SKEW_MS, to: signedAt + expires * 1000}
}

function scopeOf(credential: string): Failure | Pick<Claim, 'accessKeyId' | 'scope'> {
  const parts = credential.split('/')
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !parts[0]) {
    return fail('incomplete', `Credential must have the form <key id>/<date>/<region>/<service>/aws4_request.`)
  }

  return {accessKeyId: parts[0], scope: {date: parts[1], region: parts[2], service: parts[3]}}
}

function headerClaim(authorization: string, headers: Headers): Claim | Failure {
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    return fail('incomplete', 'Authorization header must use the AWS4-HMAC-SHA256 algorithm (Signature Version 4)')
  }

  const fields = new Map<string, string>()
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq !== -1) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }

  const credential = fields.get('Credential')
  const signature = fields.get('Signature')
  const signed = fields.get('SignedHeaders')
  if (!credential || !signature || !signed) {
    return fail(
      'incomplete',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${ALGORITHM}`,
    )
  }

  const amzDate = header(headers, 'x-amz-date')
  if (!amzDate) return fail('incomplete', `Authorization header requires existence of a 'X-Amz-Date' header.`)
  const scope = scopeOf(credential)
  if (isFailure(scope)) return scope
  return {
    ...scope,
    amzDate,
    declaredPayload: header(headers, 'x-amz-content-sha256'),
    presigned: false,
    securityToken: header(headers, 'x-amz-security-token'),
    signature,
    signedHeaders: signed.split(';'),
  }
}

function presignedClaim(query: Map<string, string>): Claim | Failure {
  if (!query.has('X-Amz-Algorithm') && !query.has('X-Amz-Signature') && !query.has('X-Amz-Credential')) {
    return fail('missing', 'Missing Authentication Token')
  }

  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    return fail('incomplete', `X-Amz-Algorithm only supports "${ALGORITHM}".`)
  }

  const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'].filter(
    (name) => !query.get(name),
  )
  if (missing.length > 0) {
    return fail('incomplete', `AWS query-string parameters must include ${missing.map((m) => `'${m}'`).join(', ')}.`)
  }

  const scope = scopeOf(query.get('X-Amz-Credential')!)
  if (isFailure(scope)) return scope
  return {
    ...scope,
    amzDate: query.get('X-Amz-Date')!,
    presigned: true,
    securityToken: query.get('X-Amz-Security-Token'),
    signature: query.get('X-Amz-Signature')!,
    signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';'),
  }
}

/**
 * The payload hashes the signature may have been computed over, known before the body is read; undefined when the
 * hash of the body itself is the only one (the client declared nothing). The streaming and unsigned markers are
 * S3's: any other service refuses them. A presigned URL signs no body (UNSIGNED-PAYLOAD, or the empty body's
 * hash as some signers write it); outside S3 it must then come without one, so it cannot carry other input.
 */
export function declaredHashes(claim: Claim, service: string): Failure | string[] | undefined {
  const declared = claim.declaredPayload
  if (claim.presigned) return declared === undefined ? [UNSIGNED_PAYLOAD, EMPTY_SHA256] : [declared]
  if (declared === undefined) return undefined
  if (/^[\da-f]{64}$/.test(declared)) return [declared]
  if ((declared === UNSIGNED_PAYLOAD || STREAMING_PAYLOADS.has(declared)) && service === 's3') return [declared]
  return fail('unsupported-payload', `x-amz-content-sha256 ${JSON.stringify(declared)} is not accepted by ${service}.`)
}

/**
 * After the body: whether it is the body the signature covers. `hash` is the payload hash the signature matched
 * with (from declaredHashes), undefined when the signature must be checked over the body's own hash.
 */
export function bodyMatches(claim: Claim, service: string, hash: string, body: Buffer): boolean {
  if (/^[\da-f]{64}$/.test(hash)) return sha256Hex(body) === hash
  // UNSIGNED-PAYLOAD: S3 takes any body; a presigned request elsewhere must have none.
  return service === 's3' || body.length === 0
}

/**
 * S3's signed chunked uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`): each chunk's signature is an
 * HMAC, with the request's signing key, over the previous signature (the header's for the first chunk) and the
 * chunk's hash, so chunks can be neither changed, dropped nor reordered. The trailer is signed the same way.
 */
export function chunkSignature(key: Buffer, claim: Claim, previous: string, chunkSha256: string): string {
  const {date, region, service} = claim.scope
  const scope = `${date}/${region}/${service}/aws4_request`
  return hmac(
    key,
    ['AWS4-HMAC-SHA256-PAYLOAD', claim.amzDate, scope, previous, EMPTY_SHA256, chunkSha256].join('\n'),
  ).toString('hex')
}

export function trailerSignature(key: Buffer, claim: Claim, previous: string, trailerSha256: string): string {
  const {date, region, service} = claim.scope
  const scope = `${date}/${region}/${service}/aws4_request`
  return hmac(key, ['AWS4-HMAC-SHA256-TRAILER', claim.amzDate, scope, previous, trailerSha256].join('\n')).toString(
    'hex',
  )
}

/** Whether two hex signatures are equal, in constant time. */
export function sameSignature(given: string, expected: string): boolean {
  const a = /^[\da-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0)
  const b = Buffer.from(expected, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
