/* eslint-disable no-await-in-loop -- requests one after another, as a client makes them */
/**
 * The emulator's S3 objects over HTTP: metadata and content headers through PUT, multipart and copy; ranges;
 * conditional reads; copy directives; DeleteObjects quiet and verbose; NotImplemented for what it does not do.
 */
import {createHash} from 'node:crypto'

import {type Harness, startS3, xmlValues} from './harness'

let s3: Harness

beforeAll(async () => {
  s3 = await startS3()
  expect((await s3.request('PUT', '/bkt')).status).toBe(200)
})

afterAll(() => s3.close())

const md5 = (data: string) => createHash('md5').update(data).digest('hex')
const BODY = '0123456789abcdefghij'
const META = {
  'cache-control': 'max-age=60',
  'content-disposition': 'attachment; filename="x.txt"',
  'content-encoding': 'gzip',
  'content-type': 'text/x-demo',
  'x-amz-meta-flow': 'Demo',
  'x-amz-meta-run-id': '42',
}

/** The headers of an answer that a test compares (the rest vary: dates, request ids). */
const objectHeaders = (headers: Record<string, string>) => {
  const kept: Record<string, string> = {}
  for (const name of ['cache-control', 'content-disposition', 'content-encoding', 'content-length', 'content-range']) {
    if (headers[name] !== undefined) kept[name] = headers[name]
  }

  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) kept[name] = value
  return {...kept, 'content-type': headers['content-type'], etag: headers.etag}
}

const range = async (value: string) => {
  const got = await s3.request('GET', '/bkt/meta.txt', {headers: {range: value}})
  return [got.status, got.text, got.headers['content-range'], got.headers['content-length']]
}

const statusOf = async (headers: Record<string, string>, method = 'GET') =>
  (await s3.request(method, '/bkt/meta.txt', {headers})).status
const deleteBody = (quiet: boolean, keys: string[]) =>
  `<Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`
const post = (xml: string) =>
  s3.request('POST', '/bkt?delete', {
    body: xml,
    headers: {'content-md5': createHash('md5').update(xml).digest('base64')},
  })

describe('metadata and content headers', () => {
  test('kept by PUT, returned by GET and HEAD', async () => {
    const put = await s3.request('PUT', '/bkt/meta.txt', {body: BODY, headers: META})
    expect([put.status, put.headers.etag]).toEqual([200, `"${md5(BODY)}"`])
    const expected = {...META, 'content-length': '20', etag: `"${md5(BODY)}"`}
    const got = await s3.request('GET', '/bkt/meta.txt')
    expect([got.status, got.text, objectHeaders(got.headers)]).toEqual([200, BODY, expected])
    const head = await s3.request('HEAD', '/bkt/meta.txt')
    expect([head.status, head.text, objectHeaders(head.headers)]).toEqual([200, '', expected])
  })

  test('aws-chunked is not kept as a content coding', async () => {
    const body = `${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\n\r\n`
    const headers = {'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '20'}
    expect((await s3.request('PUT', '/bkt/chunked.txt', {body, headers})).status).toBe(200)
    const got = await s3.request('GET', '/bkt/chunked.txt')
    expect([got.text, got.headers['content-encoding']]).toEqual([BODY, undefined])
  })

  test('kept by a multipart upload', async () => {
    const created = await s3.request('POST', '/bkt/multi.bin?uploads', {headers: META})
    const [id] = xmlValues(created.text, 'UploadId')
    const part = 'p'.repeat(5 * 1024 * 1024)
    const one = await s3.request('PUT', `/bkt/multi.bin?partNumber=1&uploadId=${id}`, {body: part})
    const two = await s3.request('PUT', `/bkt/multi.bin?partNumber=2&uploadId=${id}`, {body: 'end'})
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${one.headers.etag}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${two.headers.etag}</ETag></Part></CompleteMultipartUpload>`
    const done = await s3.request('POST', `/bkt/multi.bin?uploadId=${id}`, {body: complete})
    const partsMd5 = createHash('md5')
      .update(Buffer.concat([createHash('md5').update(part).digest(), createHash('md5').update('end').digest()]))
      .digest('hex')
    expect([done.status, xmlValues(done.text, 'ETag')]).toEqual([200, [`&#34;${partsMd5}-2&#34;`]])
    const head = await s3.request('HEAD', '/bkt/multi.bin')
    expect(objectHeaders(head.headers)).toEqual({
      ...META,
      'content-length': String(part.length + 3),
      etag: `"${partsMd5}-2"`,
    })
    expect(head.headers['x-amz-mp-parts-count']).toBe('2')
    const tail = await s3.request('GET', '/bkt/multi.bin', {headers: {range: 'bytes=-5'}})
    expect([tail.status, tail.text]).toEqual([206, 'ppend'])
  })

  test('CopyObject copies metadata (COPY) or takes the request’s (REPLACE)', async () => {
    const copy = await s3.request('PUT', '/bkt/copied.txt', {headers: {'x-amz-copy-source': '/bkt/meta.txt'}})
    expect([copy.status, xmlValues(copy.text, 'ETag')]).toEqual([200, [`&#34;${md5(BODY)}&#34;`]])
    const copied = await s3.request('GET', '/bkt/copied.txt')
    expect([copied.text, objectHeaders(copied.headers)]).toEqual([
      BODY,
      {...META, 'content-length': '20', etag: `"${md5(BODY)}"`},
    ])
    const headers = {
      'content-type': 'text/plain',
      'x-amz-copy-source': 'bkt/meta.txt',
      'x-amz-meta-stage': 'two',
      'x-amz-metadata-directive': 'REPLACE',
    }
    expect((await s3.request('PUT', '/bkt/replaced.txt', {headers})).status).toBe(200)
    const replaced = await s3.request('HEAD', '/bkt/replaced.txt')
    expect(objectHeaders(replaced.headers)).toEqual({
      'content-length': '20',
      'content-type': 'text/plain',
      etag: `"${md5(BODY)}"`,
      'x-amz-meta-stage': 'two',
    })
  })

  test('copying an object onto itself without REPLACE, or from nowhere, is refused', async () => {
    const self = await s3.request('PUT', '/bkt/meta.txt', {headers: {'x-amz-copy-source': 'bkt/meta.txt'}})
    expect([self.status, xmlValues(self.text, 'Code')]).toEqual([400, ['InvalidRequest']])
    const missing = await s3.request('PUT', '/bkt/x', {headers: {'x-amz-copy-source': 'bkt/nope'}})
    expect([missing.status, xmlValues(missing.text, 'Code')]).toEqual([404, ['NoSuchKey']])
    const noBucket = await s3.request('PUT', '/bkt/x', {headers: {'x-amz-copy-source': 'nobucket/k'}})
    expect([noBucket.status, xmlValues(noBucket.text, 'Code')]).toEqual([404, ['NoSuchBucket']])
    const unmet = await s3.request('PUT', '/bkt/x', {
      headers: {'x-amz-copy-source': 'bkt/meta.txt', 'x-amz-copy-source-if-match': '"other"'},
    })
    expect([unmet.status, xmlValues(unmet.text, 'Code')]).toEqual([412, ['PreconditionFailed']])
  })
})

describe('ranges', () => {
  test('a-b, a-, -n: 206 with Content-Range', async () => {
    expect(await range('bytes=2-5')).toEqual([206, '2345', 'bytes 2-5/20', '4'])
    expect(await range('bytes=10-')).toEqual([206, 'abcdefghij', 'bytes 10-19/20', '10'])
    expect(await range('bytes=-3')).toEqual([206, 'hij', 'bytes 17-19/20', '3'])
    expect(await range('bytes=15-99')).toEqual([206, 'fghij', 'bytes 15-19/20', '5'])
    expect(await range('bytes=-99')).toEqual([206, BODY, 'bytes 0-19/20', '20'])
  })

  test('past the end: 416 InvalidRange; not a single range: the whole object', async () => {
    const past = await s3.request('GET', '/bkt/meta.txt', {headers: {range: 'bytes=20-'}})
    expect([past.status, xmlValues(past.text, 'Code'), past.headers['content-range']]).toEqual([
      416,
      ['InvalidRange'],
      'bytes */20',
    ])
    expect(await range('bytes=5-2')).toEqual([200, BODY, undefined, '20'])
    expect(await range('bytes=0-1,4-5')).toEqual([200, BODY, undefined, '20'])
    expect(await range('items=0-1')).toEqual([200, BODY, undefined, '20'])
  })
})

describe('conditional reads', () => {
  const etag = `"${md5(BODY)}"`
  const past = new Date(Date.now() - 3_600_000).toUTCString()
  const future = new Date(Date.now() + 3_600_000).toUTCString()

  test('If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since', async () => {
    expect(await statusOf({'if-match': etag})).toBe(200)
    expect(await statusOf({'if-match': '"nope"'})).toBe(412)
    expect(await statusOf({'if-match': '*'})).toBe(200)
    expect(await statusOf({'if-none-match': etag})).toBe(304)
    expect(await statusOf({'if-none-match': etag}, 'HEAD')).toBe(304)
    expect(await statusOf({'if-none-match': '"nope"'})).toBe(200)
    expect(await statusOf({'if-modified-since': future})).toBe(304)
    expect(await statusOf({'if-modified-since': past})).toBe(200)
    expect(await statusOf({'if-unmodified-since': past})).toBe(412)
    expect(await statusOf({'if-unmodified-since': future})).toBe(200)
    // S3's precedence: a true If-Match outweighs a false If-Unmodified-Since, a false If-None-Match a true If-Modified-Since.
    expect(await statusOf({'if-match': etag, 'if-unmodified-since': past})).toBe(200)
    expect(await statusOf({'if-modified-since': past, 'if-none-match': etag})).toBe(304)
  })

  test('a 412 is PreconditionFailed in XML', async () => {
    const failed = await s3.request('GET', '/bkt/meta.txt', {headers: {'if-match': '"nope"'}})
    expect(xmlValues(failed.text, 'Code')).toEqual(['PreconditionFailed'])
  })
})

describe('DeleteObjects', () => {
  test('verbose names every key; quiet names none; both delete', async () => {
    for (const key of ['d/1', 'd/2', 'd/3']) await s3.request('PUT', `/bkt/${key}`, {body: key})
    const verbose = await post(deleteBody(false, ['d/1', 'd/2', 'd/never']))
    expect([verbose.status, xmlValues(verbose.text, 'Key')]).toEqual([200, ['d/1', 'd/2', 'd/never']])
    const quiet = await post(deleteBody(true, ['d/3']))
    expect([quiet.status, xmlValues(quiet.text, 'Key')]).toEqual([200, []])
    const listed = await s3.request('GET', '/bkt?list-type=2&prefix=d/')
    expect(xmlValues(listed.text, 'KeyCount')).toEqual(['0'])
  })

  test('without Content-MD5 or a checksum: InvalidRequest; a wrong MD5: BadDigest', async () => {
    const bare = await s3.request('POST', '/bkt?delete', {body: deleteBody(false, ['x'])})
    expect([bare.status, xmlValues(bare.text, 'Code')]).toEqual([400, ['InvalidRequest']])
    const wrong = await s3.request('POST', '/bkt?delete', {
      body: deleteBody(false, ['x']),
      headers: {'content-md5': createHash('md5').update('other').digest('base64')},
    })
    expect([wrong.status, xmlValues(wrong.text, 'Code')]).toEqual([400, ['BadDigest']])
  })
})

describe('refusals', () => {
  test('what the emulator does not implement is NotImplemented, never half-done', async () => {
    for (const [method, path] of [
      ['GET', '/bkt?acl'],
      ['PUT', '/bkt?versioning'],
      ['GET', '/bkt/meta.txt?acl'],
      ['PUT', '/bkt/meta.txt?tagging'],
      ['GET', '/bkt?uploads'],
      ['GET', '/bkt/meta.txt?partNumber=1'],
    ]) {
      const answer = await s3.request(method, path)
      expect([method, path, answer.status, xmlValues(answer.text, 'Code')]).toEqual([
        method,
        path,
        501,
        ['NotImplemented'],
      ])
    }

    const tagged = await s3.request('PUT', '/bkt/t', {body: 'x', headers: {'x-amz-tagging': 'a=b'}})
    expect([tagged.status, xmlValues(tagged.text, 'Code')]).toEqual([501, ['NotImplemented']])
  })

  test('errors name the right code', async () => {
    const codes = async (method: string, path: string) => {
      const answer = await s3.request(method, path)
      return [answer.status, ...xmlValues(answer.text, 'Code')]
    }

    expect(await codes('GET', '/bkt/nope')).toEqual([404, 'NoSuchKey'])
    expect(await codes('GET', '/nobucket/k')).toEqual([404, 'NoSuchBucket'])
    expect(await codes('GET', '/nobucket?list-type=2')).toEqual([404, 'NoSuchBucket'])
    expect(await codes('DELETE', '/bkt')).toEqual([409, 'BucketNotEmpty'])
    expect(await codes('PUT', '/Bad_Name')).toEqual([400, 'InvalidBucketName'])
    expect(await codes('GET', '/bkt?list-type=2&max-keys=x')).toEqual([400, 'InvalidArgument'])
    expect(await codes('GET', '/bkt?list-type=2&continuation-token=bogus')).toEqual([400, 'InvalidArgument'])
    expect(await codes('PUT', `/bkt/${'k'.repeat(1025)}`)).toEqual([400, 'KeyTooLongError'])
    // Over S3's 5 GiB for one PUT: refused from the header, before a byte of the body is read.
    const huge = await s3.request('PUT', '/bkt/huge', {headers: {'content-length': String(5 * 1024 ** 3 + 1)}})
    expect([huge.status, ...xmlValues(huge.text, 'Code'), ...xmlValues(huge.text, 'MaxSizeAllowed')]).toEqual([
      400,
      'EntityTooLarge',
      String(5 * 1024 ** 3),
    ])
    const location = await s3.request('GET', '/bkt?location')
    expect(location.text).toMatch(/<LocationConstraint xmlns="[^"]+"><\/LocationConstraint>$/)
  })

  test('DeleteBucket of an empty bucket', async () => {
    expect((await s3.request('PUT', '/empty-one')).status).toBe(200)
    expect((await s3.request('DELETE', '/empty-one')).status).toBe(204)
    expect((await s3.request('HEAD', '/empty-one')).status).toBe(404)
  })
})
