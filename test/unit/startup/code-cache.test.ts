/**
 * The code cache of the bundle (src/startup/code-cache.ts) on a small bundle-like file: a first load has no cache
 * and saves one, a rebuild gets its own file and removes the old build's, no cache directory writes nothing.
 */
import {mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cacheFileOf, hash, loadWithCodeCache} from '../../../src/startup/code-cache'
import {cacheVariant} from '../../../src/startup/run'

let dir: string
let bundle: string
let cache: string

/** A fresh load, as a new process would make it (the test process keeps require.cache between loads). */
function load(): ReturnType<typeof loadWithCodeCache> {
  delete require.cache[bundle]
  return loadWithCodeCache(bundle, cache, 'submit')
}

describe('the code cache', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-code-cache-'))
    bundle = join(dir, 'bundle.js')
    cache = join(dir, 'cache')
    writeFileSync(bundle, 'exports.answer = () => 6 * 7\nexports.dir = __dirname\n')
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  // Whether V8 takes a cache shows only in a new process (V8 keeps what it compiled in this one): that part is
  // test/e2e/code-cache.test.ts, on the built CLI.
  it('a first load has no cache and saves one, once; the module runs as CommonJS in its folder', () => {
    const first = load()
    expect(first.cache).toBe('miss')
    expect((first.exports as {answer(): number}).answer()).toBe(42)
    expect((first.exports as {dir: string}).dir).toBe(dir)
    first.save()
    first.save()
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^[\da-f]{16}-[\da-f]{16}-submit\.v8$/)])
    expect(load().cache).not.toBe('miss')
  })

  it('a rebuilt bundle gets a new file and the old build is removed; another copy and variant are kept', () => {
    load().save()
    delete require.cache[bundle]
    loadWithCodeCache(bundle, cache, 'status').save()
    const other = join(cache, '0000000000000000-0000000000000000-submit.v8')
    writeFileSync(other, 'another copy of mfbatch')
    const before = cacheFileOf(bundle, cache, 'submit')
    writeFileSync(bundle, 'exports.answer = () => 43\nexports.dir = __dirname\n')
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000))
    const after = cacheFileOf(bundle, cache, 'submit')
    expect(after).not.toBe(before)
    const rebuilt = load()
    expect(rebuilt.cache).toBe('miss')
    expect((rebuilt.exports as {answer(): number}).answer()).toBe(43)
    rebuilt.save()
    expect(readdirSync(cache).sort()).toEqual([other, after].map((file) => file.slice(cache.length + 1)).sort())
  })

  it('no cache directory: a plain compile, nothing written', () => {
    delete require.cache[bundle]
    const loaded = loadWithCodeCache(bundle, undefined, 'submit')
    expect(loaded.cache).toBe('off')
    loaded.save()
    expect(readdirSync(dir)).toEqual(['bundle.js'])
  })

  it.each([
    [['submit', '--dry-run'], 'submit'],
    [['emulator', 'start'], 'emulator'],
    [['--version'], 'root'],
    [[], 'root'],
    [['../../etc'], 'root'],
    [['Submit'], 'root'],
  ])('the cache of %j is the %s one', (argv, variant) => {
    expect(cacheVariant(argv)).toBe(variant)
  })

  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('names files by the 64-bit FNV-1a of %j: %s', (text, expected) => {
    expect(hash(text)).toBe(expected)
  })
})
