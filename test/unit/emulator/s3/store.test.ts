/**
 * The S3 index as a journal: what a store wrote, a new store over the same dir reads back (restart); the single
 * JSON index of earlier versions is taken over; a journal of mostly dead lines is rewritten at start; body files
 * nothing refers to go, at once on delete and at start for a crash's leftovers.
 */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {S3Store} from '../../../../src/emulator/s3/store'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-s3-store-'))
})

afterEach(() => rmSync(dir, {force: true, recursive: true}))

const hash = (c: string) => c.repeat(64)
const body = (store: S3Store, c: string) => {
  writeFileSync(join(dir, 'objects', hash(c)), c)
  return {content: {}, etag: `"${c}"`, meta: {}, sha256: hash(c), size: 1}
}

describe('S3Store', () => {
  test('a restart reads back buckets, objects, metadata and uploads', () => {
    const store = new S3Store(dir, () => 1000)
    store.createBucket('b')
    store.put('b', 'k', {...body(store, 'a'), content: {'content-type': 'text/plain'}, meta: {run: '1'}})
    const id = store.createUpload('b', 'big', {content: {}, meta: {flow: 'x'}})
    store.putPart(id, 3, {etag: '"p"', sha256: body(store, 'c').sha256, size: 1})
    store.close()
    const again = new S3Store(dir)
    expect(again.bucketNames()).toEqual([{created: 1000, name: 'b'}])
    expect(again.get('b', 'k')).toEqual({
      content: {'content-type': 'text/plain'},
      etag: '"a"',
      meta: {run: '1'},
      modified: 1000,
      sha256: hash('a'),
      size: 1,
    })
    expect(again.upload(id)?.meta).toEqual({flow: 'x'})
    expect([...again.upload(id)!.parts.keys()]).toEqual([3])
    again.close()
  })

  test('an overwritten or deleted body goes when nothing refers to it; a shared one stays', () => {
    const store = new S3Store(dir)
    store.createBucket('b')
    store.put('b', 'one', body(store, 'a'))
    store.put('b', 'two', body(store, 'a'))
    store.put('b', 'one', body(store, 'b'))
    expect(readdirSync(join(dir, 'objects')).sort()).toEqual([hash('a'), hash('b')])
    store.delete('b', 'two')
    expect(readdirSync(join(dir, 'objects'))).toEqual([hash('b')])
    store.close()
  })

  test('the JSON index of earlier versions is taken over', () => {
    mkdirSync(join(dir, 'objects'), {recursive: true})
    writeFileSync(join(dir, 'objects', hash('d')), 'd')
    const entry = {contentType: 'text/x', etag: '"d"', modified: 5, sha256: hash('d'), size: 1}
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({buckets: {old: {created: 4, objects: {k: entry}}}, uploads: {}}),
    )
    const store = new S3Store(dir)
    expect(store.get('old', 'k')).toEqual({
      content: {'content-type': 'text/x'},
      etag: '"d"',
      meta: {},
      modified: 5,
      sha256: hash('d'),
      size: 1,
    })
    expect(existsSync(join(dir, 'index.json'))).toBe(false)
    store.close()
    expect(new S3Store(dir).get('old', 'k')?.etag).toBe('"d"')
  })

  test('a journal of mostly dead lines is rewritten at start; leftover body files go', () => {
    const store = new S3Store(dir)
    store.createBucket('b')
    const same = body(store, 'e')
    for (let i = 0; i < 1500; i++) store.put('b', 'same', same)
    store.close()
    writeFileSync(join(dir, 'objects', hash('f')), 'crash leftover')
    const lines = () => readFileSync(join(dir, 'index.jsonl'), 'utf8').trimEnd().split('\n').length
    expect(lines()).toBe(1501)
    const again = new S3Store(dir)
    expect(lines()).toBe(2)
    expect(again.get('b', 'same')?.sha256).toBe(hash('e'))
    expect(readdirSync(join(dir, 'objects'))).toEqual([hash('e')])
    again.close()
  })
})
