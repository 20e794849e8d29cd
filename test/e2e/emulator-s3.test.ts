/**
 * The emulator's S3 through its real front end (`mfbatch emulator`, SigV4 as a client signs): a PUT signed chunk by
 * chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) is taken when every chunk's signature follows the chain from the
 * request's own, refused as SignatureDoesNotMatch when one chunk is changed; a body over 64 MiB in one PUT; objects,
 * metadata and a multipart upload in progress survive a restart.
 */
import {createHash, createHmac} from 'node:crypto'
import {request} from 'node:http'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'
import {signedHeaders} from '../helpers/sign'

let emulator: TestEmulator

beforeAll(async () => {
  emulator = await startEmulator()
}, 30_000)

afterAll(async () => {
  await emulator?.stop()
  removeStateDir(emulator.stateDir)
})

interface Answer {
  body: string
  headers: Record<string, string>
  status: number
}

/** One S3 request signed by the SDK's signer; `body` sent as given (its hash declared in the headers passed). */
async function s3(method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<Answer> {
  const signed = await signedHeaders(emulator.credentials, emulator.url, {
    body: headers['x-amz-content-sha256'] ? undefined : body,
    headers,
    method,
    path,
    service: 's3',
  })
  return send(method, path, body, signed)
}

function send(method: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(`${emulator.url}${path}`, {headers, method}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const out: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) out[name] = String(value)
        done({body: Buffer.concat(chunks).toString(), headers: out, status: res.statusCode ?? 0})
      })
    })
    req.on('error', fail)
    req.end(body)
  })
}

const code = (answer: Answer) => [
  answer.status,
  ...[...answer.body.matchAll(/<Code>([^<]*)<\/Code>/g)].map((m) => m[1]),
]
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()

/** Headers and body of a PUT signed chunk by chunk, as S3's chunked-upload specification describes. */
async function chunkedPut(path: string, chunks: string[], change?: (frames: string[]) => void) {
  const decoded = chunks.join('').length
  const framing = chunks.reduce((n, c) => n + c.length.toString(16).length + 85 + c.length, 0) + 86
  const headers = await signedHeaders(emulator.credentials, emulator.url, {
    headers: {
      'content-encoding': 'aws-chunked',
      'content-length': String(framing),
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-decoded-content-length': String(decoded),
    },
    method: 'PUT',
    path,
    service: 's3',
  })
  const seed = /Signature=([\da-f]{64})/.exec(headers.authorization)![1]
  const amzDate = headers['x-amz-date']
  const date = amzDate.slice(0, 8)
  const key = hmac(
    hmac(hmac(hmac(`AWS4${emulator.credentials.secretAccessKey}`, date), 'us-east-1'), 's3'),
    'aws4_request',
  )
  let previous = seed
  const frames = [...chunks, ''].map((data) => {
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      `${date}/us-east-1/s3/aws4_request`,
      previous,
      sha256(''),
      sha256(data),
    ]
    previous = hmac(key, toSign.join('\n')).toString('hex')
    return `${data.length.toString(16)};chunk-signature=${previous}\r\n${data}\r\n`
  })
  change?.(frames)
  const body = frames.join('')
  expect(body.length).toBe(framing)
  return send('PUT', path, body, headers)
}

describe('the emulator S3 behind its front end', () => {
  test('signed chunks: taken along the chain, refused when a chunk is changed', async () => {
    expect((await s3('PUT', '/chunks')).status).toBe(200)
    const chunks = ['a'.repeat(65_536), 'b'.repeat(1024)]
    expect((await chunkedPut('/chunks/ok.bin', chunks)).status).toBe(200)
    const got = await s3('GET', '/chunks/ok.bin')
    expect(got.body === chunks.join('')).toBe(true)
    const changed = await chunkedPut('/chunks/bad.bin', chunks, (frames) => {
      frames[1] = frames[1].replace('bbbb', 'bbbc')
    })
    expect(code(changed)).toEqual([403, 'SignatureDoesNotMatch'])
    expect(code(await s3('HEAD', '/chunks/bad.bin'))).toEqual([404])
  })

  test('a single PUT over 64 MiB, read back by range', async () => {
    const big = Buffer.alloc(80 * 1024 * 1024, 'z')
    big.write('tail!', big.length - 5)
    const headers = await signedHeaders(emulator.credentials, emulator.url, {
      headers: {'x-amz-content-sha256': 'UNSIGNED-PAYLOAD'},
      method: 'PUT',
      path: '/chunks/big.bin',
      service: 's3',
    })
    expect((await send('PUT', '/chunks/big.bin', big, headers)).status).toBe(200)
    const tail = await s3('GET', '/chunks/big.bin', '', {range: 'bytes=-5'})
    expect([tail.status, tail.body, tail.headers['content-range']]).toEqual([
      206,
      'tail!',
      `bytes ${big.length - 5}-${big.length - 1}/${big.length}`,
    ])
  }, 60_000)

  test('objects, metadata and an upload in progress survive a restart', async () => {
    await s3('PUT', '/chunks/kept.txt', 'kept', {'x-amz-meta-origin': 'before'})
    const created = await s3('POST', '/chunks/later.bin?uploads=')
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)![1]
    const part = await s3('PUT', `/chunks/later.bin?partNumber=1&uploadId=${id}`, 'part one')
    await emulator.stop()
    emulator = await startEmulator({stateDir: emulator.stateDir})
    const kept = await s3('GET', '/chunks/kept.txt')
    expect([kept.body, kept.headers['x-amz-meta-origin']]).toEqual(['kept', 'before'])
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`
    expect((await s3('POST', `/chunks/later.bin?uploadId=${id}`, complete)).status).toBe(200)
    expect((await s3('GET', '/chunks/later.bin')).body).toBe('part one')
  }, 60_000)
})
