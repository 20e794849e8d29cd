/**
 * The hand-written SigV4 verifier against the SDK's own signer (@smithy/signature-v4): whatever the SDK signs or
 * presigns verifies, and any change to what was signed (method, path, query, a signed header, the body, the key,
 * the scope, the clock) does not.
 */
import {SignatureV4} from '@smithy/signature-v4'

import {EmulatorKeys} from '../../../../src/emulator/auth/keys'
import {
  canonicalQuery,
  canonicalUri,
  type Failure,
  isFailure,
  MAX_SKEW_MS,
  type WireRequest,
} from '../../../../src/emulator/auth/sigv4'
import {admitBody, admitHeaders} from '../../../../src/emulator/http/auth'
import {NodeSha256} from '../../../helpers/sign'

const ROOT = {accessKeyId: 'AKIAEMULATORTEST0001', secretAccessKey: 'c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0'}
const keys = new EmulatorKeys(ROOT)
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5)
const HOST = '127.0.0.1:4589'

interface Unsigned {
  body?: string
  headers?: Record<string, string>
  method: string
  path: string
  query?: Record<string, string | string[]>
}

function signer(
  service: string,
  credentials: {accessKeyId: string; secretAccessKey: string; sessionToken?: string} = ROOT,
) {
  return new SignatureV4({
    credentials,
    region: 'us-east-1',
    service,
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  })
}

function httpRequest(unsigned: Unsigned) {
  return {
    body: unsigned.body,
    headers: {host: HOST, ...unsigned.headers},
    hostname: '127.0.0.1',
    method: unsigned.method,
    path: unsigned.path,
    port: 4589,
    protocol: 'http:',
    query: unsigned.query ?? {},
  }
}

/** The request as the server receives it: query encoded as the SDK's HTTP handler writes it. */
function wire(signed: ReturnType<typeof httpRequest>): WireRequest {
  const query = Object.entries(signed.query)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${enc(name)}=${enc(v)}`))
    .join('&')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value
  return {headers, method: signed.method, target: `${signed.path}${query ? `?${query}` : ''}`}
}

const enc = (text: string) =>
  encodeURIComponent(text).replaceAll(/[!'()*]/g, (c) => `%${c.codePointAt(0)!.toString(16).toUpperCase()}`)

async function sign(service: string, unsigned: Unsigned, at = NOW, creds = ROOT): Promise<WireRequest> {
  const signed = await signer(service, creds).sign(httpRequest(unsigned), {signingDate: new Date(at)})
  return wire(signed as ReturnType<typeof httpRequest>)
}

/** Both steps, as the server runs them: undefined when admitted, else the refusal. */
function verify(request: WireRequest, service: string, body = '', now = NOW): Failure['refusal'] | undefined {
  const admitted = admitHeaders(request, service, keys, now)
  if (isFailure(admitted)) return admitted.refusal
  return admitBody(admitted, request, service, Buffer.from(body))?.refusal
}

const submit: Unsigned = {
  body: '{"jobName":"a","jobQueue":"local"}',
  headers: {'content-type': 'application/json'},
  method: 'POST',
  path: '/v1/submitjob',
}

describe('SigV4 verification against the SDK signer', () => {
  test.each<[string, string, Unsigned]>([
    ['a REST-JSON POST with a body', 'batch', submit],
    [
      'a GET with an encoded path label',
      'batch',
      {method: 'GET', path: '/v1/tags/arn%3Aaws%3Abatch%3Aus-east-1%3A0%3Ajob%2Fx'},
    ],
    [
      'a query with spaces, plus signs and repeated names',
      'batch',
      {method: 'GET', path: '/v1/x', query: {a: ['2', '1'], 'b c': 'x+y z', e: ''}},
    ],
    ['a path with dot segments and a trailing slash', 'batch', {method: 'GET', path: '/v1/./a/../describejobs/'}],
    [
      'a JSON 1.1 call',
      'logs',
      {
        body: '{}',
        headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups'},
        method: 'POST',
        path: '/',
      },
    ],
  ])('%s verifies', async (_name, service, unsigned) => {
    expect(verify(await sign(service, unsigned), service, unsigned.body ?? '')).toBeUndefined()
  })

  test('a body the client did not declare a hash for is checked over its own hash (boto3, the AWS CLI)', async () => {
    const request = await sign('batch', submit)
    delete request.headers['x-amz-content-sha256']
    // The SDK signed with the declared header; without it the signature no longer matches, as it should.
    expect(verify(request, 'batch', submit.body)).toBe('bad-signature')
  })

  test.each<[string, (r: WireRequest) => void, string | undefined, number | undefined]>([
    [
      'another method',
      (r) => {
        r.method = 'PUT'
      },
      undefined,
      undefined,
    ],
    [
      'another path',
      (r) => {
        r.target = '/v1/registerjobdefinition'
      },
      undefined,
      undefined,
    ],
    [
      'an added query parameter',
      (r) => {
        r.target += '?x=1'
      },
      undefined,
      undefined,
    ],
    [
      'a changed signed header',
      (r) => {
        r.headers['content-type'] = 'text/plain'
      },
      undefined,
      undefined,
    ],
    [
      'another Host',
      (r) => {
        r.headers.host = 'evil.example:4589'
      },
      undefined,
      undefined,
    ],
    [
      'a changed signature',
      (r) => {
        r.headers.authorization = String(r.headers.authorization).replace(/.$/, (c) => (c === '0' ? '1' : '0'))
      },
      undefined,
      undefined,
    ],
    ['another body with the declared hash', () => {}, '{"jobName":"evil"}', undefined],
    ['a date 16 minutes early', () => {}, undefined, NOW + MAX_SKEW_MS + 60_000],
    ['a date 16 minutes late', () => {}, undefined, NOW - MAX_SKEW_MS - 60_000],
    [
      'no Authorization',
      (r) => {
        delete r.headers.authorization
      },
      undefined,
      undefined,
    ],
  ])('%s is refused', async (_name, change, body, now) => {
    const request = await sign('batch', submit)
    change(request)
    expect(verify(request, 'batch', body ?? submit.body, now)).toBeDefined()
  })

  test('each failure has its own refusal', async () => {
    const good = await sign('batch', submit)
    expect(verify({...good, headers: {...good.headers, authorization: undefined}}, 'batch')).toBe('missing')
    expect(verify(await sign('batch', submit, NOW, {...ROOT, accessKeyId: 'AKIAOTHER'}), 'batch', submit.body)).toBe(
      'unknown-key',
    )
    expect(verify(await sign('batch', submit, NOW, {...ROOT, secretAccessKey: 'wrong'}), 'batch', submit.body)).toBe(
      'bad-signature',
    )
    expect(verify(await sign('logs', submit), 'batch', submit.body)).toBe('wrong-scope')
    expect(verify(good, 'batch', submit.body, NOW + 20 * 60_000)).toBe('wrong-date')
    expect(verify(good, 'batch', '{"other":1}')).toBe('body-hash-mismatch')
    const forged = {...good.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x, Signature=0'}
    expect(verify({...good, headers: forged}, 'batch')).toBe('incomplete')
  })

  test('UNSIGNED-PAYLOAD and streaming markers are S3 only', async () => {
    for (const marker of [
      'UNSIGNED-PAYLOAD',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    ]) {
      const unsigned = {...submit, headers: {...submit.headers, 'x-amz-content-sha256': marker}}
      // eslint-disable-next-line no-await-in-loop -- one marker at a time
      expect(verify(await sign('batch', unsigned), 'batch', submit.body)).toBe('unsupported-payload')
      // eslint-disable-next-line no-await-in-loop -- same
      expect(verify(await sign('s3', {...unsigned, path: '/bucket/a%20key'}), 's3', submit.body)).toBeUndefined()
    }
  })
})

describe('presigned URLs against the SDK presigner', () => {
  const get: Unsigned = {method: 'GET', path: '/v1/tags/arn%3Ax'}
  async function presign(expiresIn: number, creds = ROOT, service = 'batch'): Promise<WireRequest> {
    const signed = await signer(service, creds).presign(httpRequest(get), {expiresIn, signingDate: new Date(NOW)})
    return wire(signed as ReturnType<typeof httpRequest>)
  }

  test('verifies until its expiry, not after', async () => {
    const url = await presign(60)
    expect(verify(url, 'batch', '', NOW)).toBeUndefined()
    expect(verify(url, 'batch', '', NOW + 59_000)).toBeUndefined()
    expect(verify(url, 'batch', '', NOW + 61_000)).toBe('wrong-date')
  })

  test('without its signature, with a body, or with a changed query it is refused', async () => {
    const url = await presign(60)
    expect(verify({...url, target: url.target.replace(/&?X-Amz-Signature=[\da-f]+/, '')}, 'batch')).toBe('incomplete')
    expect(verify(url, 'batch', '{"jobName":"x"}')).toBe('body-hash-mismatch')
    expect(verify({...url, target: url.target.replace('X-Amz-Expires=60', 'X-Amz-Expires=600')}, 'batch')).toBe(
      'bad-signature',
    )
    expect(verify({...url, target: `${url.target}&extra=1`}, 'batch')).toBe('bad-signature')
    expect(verify({...url, target: '/v1/tags/arn%3Ax?X-Amz-Algorithm=AWS4-HMAC-SHA256'}, 'batch')).toBe('incomplete')
  })
})

describe('session credentials of a job', () => {
  test('verify with their token, and only until they expire', async () => {
    const session = keys.session('job-1', NOW)
    const creds = {
      accessKeyId: session.AccessKeyId,
      secretAccessKey: session.SecretAccessKey,
      sessionToken: session.Token,
    }
    const signed = await signer('batch', creds).sign(httpRequest(submit), {signingDate: new Date(NOW)})
    const request = wire(signed as ReturnType<typeof httpRequest>)
    expect(verify(request, 'batch', submit.body)).toBeUndefined()
    const expired = NOW + 7 * 60 * 60 * 1000
    const late = wire(
      (await signer('batch', creds).sign(httpRequest(submit), {signingDate: new Date(expired)})) as never,
    )
    expect(verify(late, 'batch', submit.body, expired)).toBe('expired-token')
    const noToken = {...request, headers: {...request.headers, 'x-amz-security-token': undefined}}
    expect(verify(noToken, 'batch', submit.body)).toBe('unknown-key')
    const otherKeys = new EmulatorKeys({...ROOT, secretAccessKey: 'another emulator'})
    expect(isFailure(admitHeaders(request, 'batch', otherKeys, NOW))).toBe(true)
  })

  test('they end with their attempt, not hours later', async () => {
    let running = true
    const bound = new EmulatorKeys(ROOT, (id) => id === 'task-1' && running)
    const session = bound.session('task-1', NOW)
    const creds = {
      accessKeyId: session.AccessKeyId,
      secretAccessKey: session.SecretAccessKey,
      sessionToken: session.Token,
    }
    const request = wire(
      (await signer('batch', creds).sign(httpRequest(submit), {signingDate: new Date(NOW)})) as never,
    )
    expect(admitHeaders(request, 'batch', bound, NOW)).not.toHaveProperty('refusal')
    running = false
    expect(admitHeaders(request, 'batch', bound, NOW)).toEqual({
      message: 'The security token included in the request is expired',
      refusal: 'expired-token',
    })
  })

  test('an attempt secret names its attempt for one purpose only; a forged one names none', () => {
    const token = keys.attemptSecret('task-7', 'credentials')
    expect(keys.attemptOf(token, 'credentials')).toBe('task-7')
    expect(keys.attemptOf(token, 'metadata')).toBeUndefined()
    expect(keys.attemptOf(keys.attemptSecret('task-7', 'metadata'), 'metadata')).toBe('task-7')
    expect(keys.attemptOf(`${Buffer.from('task-7').toString('base64url')}.AAAA`, 'credentials')).toBeUndefined()
    expect(new EmulatorKeys({...ROOT, secretAccessKey: 'x'}).attemptOf(token, 'credentials')).toBeUndefined()
  })
})

describe('canonical forms, row by row', () => {
  test.each([
    ['/v1/submitjob', 'batch', '/v1/submitjob'],
    ['/v1/tags/arn%3Aaws', 'batch', '/v1/tags/arn%253Aaws'],
    ['//a/./b/../c/', 'batch', '/a/c/'],
    ['', 'batch', '/'],
    ['/bucket/a%20b//c', 's3', '/bucket/a%20b//c'],
  ])('canonicalUri(%j, %s) = %j', (target, service, expected) => {
    expect(canonicalUri(target, service)).toBe(expected)
  })

  test.each([
    ['/?b=2&a=1&a=0', false, 'a=0&a=1&b=2'],
    ['/?x=a%20b&y=a+b&z', false, 'x=a%20b&y=a%2Bb&z='],
    ['/?X-Amz-Signature=abc&k=%7E', true, 'k=~'],
  ])('canonicalQuery(%j, presigned %s) = %j', (target, presigned, expected) => {
    expect(canonicalQuery(target, presigned)).toBe(expected)
  })
})
