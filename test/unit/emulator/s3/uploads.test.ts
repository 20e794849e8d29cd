/* eslint-disable no-await-in-loop -- requests one after another, as a client makes them */
/**
 * Multipart part-number rules and body integrity: a part uploaded again replaces the earlier one (S3's UploadPart
 * semantics), CompleteMultipartUpload with a part number twice or out of order is InvalidPartOrder, a stale ETag is
 * InvalidPart, a small part before the last is EntityTooSmall; UploadPartCopy with a range. Flexible checksums and
 * Content-MD5 verified (BadDigest) and returned when asked; aws-chunked trailers; signed chunks checked along their
 * chain (a changed chunk, signature or order is SignatureDoesNotMatch).
 */
import {createHash, createHmac} from 'node:crypto'
// eslint-disable-next-line n/no-unsupported-features/node-builtins -- in Node 20 since 20.15; engines asks for 20.19
import {crc32} from 'node:zlib'

import type {Admitted} from '../../../../src/emulator/http/auth'

import {crc32c} from '../../../../src/emulator/s3/checksums'
import {payloadAuth} from '../../../../src/emulator/s3/payload-auth'
import {type Harness, startS3, xmlValues} from './harness'

let s3: Harness

beforeAll(async () => {
  s3 = await startS3()
  await s3.request('PUT', '/ups')
})

afterAll(() => s3.close())

const MIB = 1024 * 1024
const code = (answer: {status: number; text: string}) => [answer.status, ...xmlValues(answer.text, 'Code')]
const complete = (parts: Array<[number, string]>) =>
  `<CompleteMultipartUpload>${parts.map(([n, etag]) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`

async function startUpload(key: string, headers: Record<string, string> = {}): Promise<string> {
  const created = await s3.request('POST', `/ups/${key}?uploads`, {headers})
  return xmlValues(created.text, 'UploadId')[0]
}

const putPart = async (key: string, id: string, n: number | string, body: Buffer | string) =>
  s3.request('PUT', `/ups/${key}?partNumber=${n}&uploadId=${id}`, {body})

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()
const sha = (data: string) => createHash('sha256').update(data).digest('hex')
const chunkedHeaders = (length: number) => ({
  'content-encoding': 'aws-chunked',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'x-amz-decoded-content-length': String(length),
})

const putSigned = (body: string, length: number) =>
  s3.request('PUT', '/ups/signed', {body, headers: chunkedHeaders(length)})

describe('part numbers', () => {
  test('a part uploaded again replaces the earlier one; Complete wants the later ETag', async () => {
    const id = await startUpload('again')
    const first = await putPart('again', id, 1, Buffer.alloc(5 * MIB, 'a'))
    const second = await putPart('again', id, 1, Buffer.alloc(5 * MIB, 'b'))
    const last = await putPart('again', id, 2, 'tail')
    const stale = await s3.request('POST', `/ups/again?uploadId=${id}`, {
      body: complete([
        [1, first.headers.etag],
        [2, last.headers.etag],
      ]),
    })
    expect(code(stale)).toEqual([400, 'InvalidPart'])
    const done = await s3.request('POST', `/ups/again?uploadId=${id}`, {
      body: complete([
        [1, second.headers.etag],
        [2, last.headers.etag],
      ]),
    })
    expect(done.status).toBe(200)
    const got = await s3.request('GET', '/ups/again')
    expect([got.body.length, got.body.subarray(0, 1).toString(), got.body.subarray(-4).toString()]).toEqual([
      5 * MIB + 4,
      'b',
      'tail',
    ])
  })

  test('Complete listing a part number twice or out of order is InvalidPartOrder; nothing is made', async () => {
    const id = await startUpload('twice')
    const one = await putPart('twice', id, 1, Buffer.alloc(5 * MIB, 'x'))
    const two = await putPart('twice', id, 2, Buffer.alloc(5 * MIB, 'y'))
    const twice = complete([
      [1, one.headers.etag],
      [1, one.headers.etag],
      [2, two.headers.etag],
    ])
    expect(code(await s3.request('POST', `/ups/twice?uploadId=${id}`, {body: twice}))).toEqual([
      400,
      'InvalidPartOrder',
    ])
    const backwards = complete([
      [2, two.headers.etag],
      [1, one.headers.etag],
    ])
    expect(code(await s3.request('POST', `/ups/twice?uploadId=${id}`, {body: backwards}))).toEqual([
      400,
      'InvalidPartOrder',
    ])
    expect(code(await s3.request('HEAD', '/ups/twice'))).toEqual([404])
    expect(code(await s3.request('DELETE', `/ups/twice?uploadId=${id}`))).toEqual([204])
    expect(code(await s3.request('DELETE', `/ups/twice?uploadId=${id}`))).toEqual([404, 'NoSuchUpload'])
  })

  test('part numbers 1 to 10,000; parts before the last at least 5 MiB; an empty list is MalformedXML', async () => {
    const id = await startUpload('numbers')
    expect(code(await putPart('numbers', id, 0, 'x'))).toEqual([400, 'InvalidArgument'])
    expect(code(await putPart('numbers', id, 10_001, 'x'))).toEqual([400, 'InvalidArgument'])
    expect(code(await putPart('numbers', id, 'one', 'x'))).toEqual([400, 'InvalidArgument'])
    expect(code(await putPart('numbers', 'no-such-upload', 1, 'x'))).toEqual([404, 'NoSuchUpload'])
    const small = await putPart('numbers', id, 1, 'small')
    const big = await putPart('numbers', id, 10_000, 'last')
    const tooSmall = complete([
      [1, small.headers.etag],
      [10_000, big.headers.etag],
    ])
    expect(code(await s3.request('POST', `/ups/numbers?uploadId=${id}`, {body: tooSmall}))).toEqual([
      400,
      'EntityTooSmall',
    ])
    expect(code(await s3.request('POST', `/ups/numbers?uploadId=${id}`, {body: complete([])}))).toEqual([
      400,
      'MalformedXML',
    ])
  })

  test('UploadPartCopy with a source range', async () => {
    await s3.request('PUT', '/ups/source', {body: '0123456789'})
    const id = await startUpload('ranged')
    const copied = await s3.request('PUT', `/ups/ranged?partNumber=1&uploadId=${id}`, {
      headers: {'x-amz-copy-source': 'ups/source', 'x-amz-copy-source-range': 'bytes=3-6'},
    })
    expect(copied.status).toBe(200)
    const [etag] = xmlValues(copied.text, 'ETag')
    expect(etag).toBe(`&#34;${createHash('md5').update('3456').digest('hex')}&#34;`)
    const outside = await s3.request('PUT', `/ups/ranged?partNumber=2&uploadId=${id}`, {
      headers: {'x-amz-copy-source': 'ups/source', 'x-amz-copy-source-range': 'bytes=8-10'},
    })
    expect(code(outside)).toEqual([400, 'InvalidArgument'])
    const done = await s3.request('POST', `/ups/ranged?uploadId=${id}`, {
      body: complete([[1, '"' + etag.slice(5, -5) + '"']]),
    })
    expect(done.status).toBe(200)
    expect((await s3.request('GET', '/ups/ranged')).text).toBe('3456')
  })
})

const b64crc = (value: number) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out.toString('base64')
}

describe('checksums', () => {
  test('crc32c is CRC-32C (Castagnoli)', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283')
    expect(crc32c(Buffer.from('56789'), crc32c(Buffer.from('1234')))).toBe(crc32c(Buffer.from('123456789')))
  })

  test('a matching checksum is kept and returned with x-amz-checksum-mode; a wrong one is BadDigest', async () => {
    const body = 'checked body'
    const sums = {
      crc32: b64crc(crc32(body)),
      crc32c: b64crc(crc32c(Buffer.from(body))),
      sha1: createHash('sha1').update(body).digest('base64'),
      sha256: createHash('sha256').update(body).digest('base64'),
    }
    for (const [algorithm, value] of Object.entries(sums)) {
      const put = await s3.request('PUT', `/ups/sum-${algorithm}`, {
        body,
        headers: {[`x-amz-checksum-${algorithm}`]: value},
      })
      expect([algorithm, put.status, put.headers[`x-amz-checksum-${algorithm}`]]).toEqual([algorithm, 200, value])
      const plain = await s3.request('GET', `/ups/sum-${algorithm}`)
      expect(plain.headers[`x-amz-checksum-${algorithm}`]).toBeUndefined()
      const asked = await s3.request('GET', `/ups/sum-${algorithm}`, {headers: {'x-amz-checksum-mode': 'ENABLED'}})
      expect([asked.headers[`x-amz-checksum-${algorithm}`], asked.headers['x-amz-checksum-type']]).toEqual([
        value,
        'FULL_OBJECT',
      ])
      const wrong = await s3.request('PUT', `/ups/sum-${algorithm}`, {
        body: `${body}!`,
        headers: {[`x-amz-checksum-${algorithm}`]: value},
      })
      expect(code(wrong)).toEqual([400, 'BadDigest'])
    }

    expect((await s3.request('GET', '/ups/sum-crc32')).text).toBe(body)
  })

  test('Content-MD5: a wrong one is BadDigest, a malformed one InvalidDigest', async () => {
    const right = createHash('md5').update('md5 body').digest('base64')
    expect((await s3.request('PUT', '/ups/md5', {body: 'md5 body', headers: {'content-md5': right}})).status).toBe(200)
    expect(code(await s3.request('PUT', '/ups/md5', {body: 'other', headers: {'content-md5': right}}))).toEqual([
      400,
      'BadDigest',
    ])
    expect(code(await s3.request('PUT', '/ups/md5', {body: 'other', headers: {'content-md5': 'nope'}}))).toEqual([
      400,
      'InvalidDigest',
    ])
    expect((await s3.request('GET', '/ups/md5')).text).toBe('md5 body')
  })

  test('a trailing checksum in an unsigned aws-chunked body', async () => {
    const data = 'trailer body'
    const framed = (sum: string) => `${data.length.toString(16)}\r\n${data}\r\n0\r\nx-amz-checksum-crc32:${sum}\r\n\r\n`
    const headers = {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    }
    s3.auth = () => ({kind: 'chunked'})
    try {
      const good = await s3.request('PUT', '/ups/trailer', {body: framed(b64crc(crc32(data))), headers})
      expect(good.status).toBe(200)
      const bad = await s3.request('PUT', '/ups/trailer', {body: framed(b64crc(crc32('other'))), headers})
      expect(code(bad)).toEqual([400, 'BadDigest'])
      const missing = await s3.request('PUT', '/ups/trailer', {
        body: `${data.length.toString(16)}\r\n${data}\r\n0\r\n\r\n`,
        headers,
      })
      expect(code(missing)).toEqual([400, 'InvalidArgument'])
    } finally {
      s3.auth = () => ({kind: 'unsigned'})
    }

    expect((await s3.request('GET', '/ups/trailer')).text).toBe(data)
  })
})

describe('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  const SECRET = 'chunk-secret'
  const SCOPE = {date: '20260102', region: 'us-east-1', service: 's3'}
  const AMZ_DATE = '20260102T030405Z'
  const SEED = 'a'.repeat(64)
  // The signing key as AWS's specification derives it, written here apart from the emulator's own.
  const KEY = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, SCOPE.date), SCOPE.region), SCOPE.service), 'aws4_request')
  const EMPTY = sha('')
  const sign = (previous: string, chunk: string) =>
    hmac(
      KEY,
      [
        'AWS4-HMAC-SHA256-PAYLOAD',
        AMZ_DATE,
        `${SCOPE.date}/us-east-1/s3/aws4_request`,
        previous,
        EMPTY,
        sha(chunk),
      ].join('\n'),
    ).toString('hex')

  /** The body framed and signed as a client would; `tamper` changes it after signing. */
  function signedBody(chunks: string[], tamper?: (frames: Array<{data: string; signature: string}>) => void): string {
    let previous = SEED
    const frames = [...chunks, ''].map((data) => {
      previous = sign(previous, data)
      return {data, signature: previous}
    })
    tamper?.(frames)
    return frames
      .map(
        ({data, signature}) =>
          `${data.length.toString(16)};chunk-signature=${signature}\r\n${data}${data ? '\r\n' : ''}`,
      )
      .join('')
      .concat('\r\n')
  }

  const admitted: Admitted = {
    claim: {
      accessKeyId: 'AKID',
      amzDate: AMZ_DATE,
      presigned: false,
      scope: SCOPE,
      signature: SEED,
      signedHeaders: ['host'],
    },
    hash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    secret: SECRET,
  }

  beforeAll(() => {
    s3.auth = (req) =>
      req.headers['x-amz-content-sha256'] === admitted.hash
        ? payloadAuth(admitted, {headers: req.headers, method: req.method!, target: req.url!})
        : {kind: 'unsigned'}
  })

  afterAll(() => {
    s3.auth = () => ({kind: 'unsigned'})
  })

  test('a body whose every chunk is signed along the chain is taken', async () => {
    const chunks = ['x'.repeat(8192), 'y'.repeat(100)]
    expect((await putSigned(signedBody(chunks), 8292)).status).toBe(200)
    expect((await s3.request('GET', '/ups/signed')).text === chunks.join('')).toBe(true)
  })

  test('a changed chunk, a changed signature, swapped chunks or a dropped chunk are SignatureDoesNotMatch', async () => {
    const chunks = ['first chunk!', 'second chunk']
    const cases: Array<(frames: Array<{data: string; signature: string}>) => void> = [
      (frames) => {
        frames[1].data = 'second chunK'
      },
      (frames) => {
        const last = frames[0].signature.at(-1) === '0' ? '1' : '0'
        frames[0].signature = `${frames[0].signature.slice(0, -1)}${last}`
      },
      (frames) => {
        ;[frames[0], frames[1]] = [frames[1], frames[0]]
      },
      (frames) => {
        frames.splice(1, 1)
      },
      (frames) => {
        frames[2].signature = frames[1].signature
      },
    ]
    for (const [i, tamper] of cases.entries()) {
      const body = signedBody(chunks, tamper)
      const length = chunks.join('').length - (body.includes('second chunk') ? 0 : 12)
      expect([i, ...code(await putSigned(body, length))]).toEqual([i, 403, 'SignatureDoesNotMatch'])
    }

    expect(code(await s3.request('GET', '/ups/signed'))).toEqual([200])
    expect((await s3.request('GET', '/ups/signed')).text === 'x'.repeat(8192) + 'y'.repeat(100)).toBe(true)
  })
})
