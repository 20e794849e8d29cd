/* eslint-disable no-await-in-loop -- pages are asked for one after another, as a client does */
/**
 * Listings as S3 pages them, over a bucket of 100,000 keys: ListObjectsV2 page by page with continuation tokens
 * (every key once, in order), with a delimiter (CommonPrefixes count as entries, never split across pages),
 * start-after, the request's parameters echoed, encoding-type=url; ListObjects v1 with NextMarker; ListObjectVersions
 * of an unversioned bucket. And the index is a journal: one more PUT appends one line, whatever the bucket holds.
 */
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {commonPrefixes, type Harness, startS3, xmlValues} from './harness'

let s3: Harness
const KEYS = 100_000
/** `p00/k00000` .. `p99/k99999`: 100 prefixes of 1,000 keys. */
const keyOf = (i: number) => `p${String(i % 100).padStart(2, '0')}/k${String(i).padStart(5, '0')}`

beforeAll(async () => {
  s3 = await startS3()
  await s3.request('PUT', '/big')
  const body = {
    etag: '"d41d8cd98f00b204e9800998ecf8427e"',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    size: 0,
  }
  for (let i = 0; i < KEYS; i++) s3.service.store.put('big', keyOf(i), {...body, content: {}, meta: {}})
}, 60_000)

afterAll(() => s3.close())

describe('a bucket of 100,000 keys', () => {
  test('ListObjectsV2 pages through 100,000 keys with continuation tokens, each key once, in order', async () => {
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const path = `/big?list-type=2${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`
      const page = await s3.request('GET', path)
      const keys = xmlValues(page.text, 'Key')
      seen.push(...keys)
      const [truncated] = xmlValues(page.text, 'IsTruncated')
      expect(xmlValues(page.text, 'KeyCount')).toEqual([String(keys.length)])
      expect(xmlValues(page.text, 'ContinuationToken')).toEqual(token ? [token] : [])
      ;[token] = xmlValues(page.text, 'NextContinuationToken')
      expect(truncated).toBe(token ? 'true' : 'false')
      pages++
    } while (token)

    expect(pages).toBe(100)
    expect(seen).toEqual(Array.from({length: KEYS}, (_, i) => keyOf(i)).sort())
  }, 60_000)

  test('with a delimiter: CommonPrefixes, paged by max-keys, echoed parameters', async () => {
    const first = await s3.request('GET', '/big?list-type=2&delimiter=/&max-keys=60')
    expect(commonPrefixes(first.text)).toEqual(Array.from({length: 60}, (_, i) => `p${String(i).padStart(2, '0')}/`))
    expect([...xmlValues(first.text, 'Delimiter'), ...xmlValues(first.text, 'MaxKeys')]).toEqual(['/', '60'])
    expect(xmlValues(first.text, 'KeyCount')).toEqual(['60'])
    const [token] = xmlValues(first.text, 'NextContinuationToken')
    const second = await s3.request('GET', `/big?list-type=2&delimiter=/&max-keys=60&continuation-token=${token}`)
    expect(commonPrefixes(second.text)).toEqual(
      Array.from({length: 40}, (_, i) => `p${String(i + 60).padStart(2, '0')}/`),
    )
    expect(xmlValues(second.text, 'IsTruncated')).toEqual(['false'])
    expect(xmlValues(second.text, 'Key')).toEqual([])
  })

  test('prefix, start-after and encoding-type=url', async () => {
    const page = await s3.request('GET', '/big?list-type=2&prefix=p42/&start-after=p42/k99842&encoding-type=url')
    expect(xmlValues(page.text, 'Key')).toEqual(['p42/k99942'])
    expect(xmlValues(page.text, 'StartAfter')).toEqual(['p42/k99842'])
    expect(xmlValues(page.text, 'EncodingType')).toEqual(['url'])
    await s3.request('PUT', '/big/odd%20key%2Bplus%C3%BC', {body: 'x'})
    const odd = await s3.request('GET', '/big?list-type=2&prefix=odd&encoding-type=url')
    expect(xmlValues(odd.text, 'Key')).toEqual(['odd+key%2Bplus%C3%BC'])
    await s3.request('DELETE', '/big/odd%20key%2Bplus%C3%BC')
  })

  test('ListObjects v1: marker, and NextMarker with a delimiter', async () => {
    const page = await s3.request('GET', '/big?prefix=p07/&max-keys=2&marker=p07/k00007')
    expect(xmlValues(page.text, 'Key')).toEqual(['p07/k00107', 'p07/k00207'])
    expect(xmlValues(page.text, 'IsTruncated')).toEqual(['true'])
    expect(xmlValues(page.text, 'NextMarker')).toEqual([])
    const grouped = await s3.request('GET', '/big?delimiter=/&max-keys=2&marker=p10/')
    expect(commonPrefixes(grouped.text)).toEqual(['p11/', 'p12/'])
    expect(xmlValues(grouped.text, 'NextMarker')).toEqual(['p12/'])
  })

  test('ListObjectVersions: every object as version null', async () => {
    const page = await s3.request('GET', '/big?versions&prefix=p99/&max-keys=2')
    expect(xmlValues(page.text, 'Key')).toEqual(['p99/k00099', 'p99/k00199'])
    expect(xmlValues(page.text, 'VersionId')).toEqual(['null', 'null'])
    expect(xmlValues(page.text, 'IsLatest')).toEqual(['true', 'true'])
    expect([...xmlValues(page.text, 'NextKeyMarker'), ...xmlValues(page.text, 'NextVersionIdMarker')]).toEqual([
      'p99/k00199',
      'null',
    ])
  })

  test('the index is a journal: one more PUT appends one line', async () => {
    const journal = join(s3.dir, 's3', 'index.jsonl')
    const lines = () => readFileSync(journal, 'utf8').split('\n').length
    const before = {lines: lines(), size: statSync(journal).size}
    await s3.request('PUT', '/big/one-more', {body: 'x'})
    expect(lines()).toBe(before.lines + 1)
    expect(statSync(journal).size - before.size).toBeLessThan(500)
  })
})
