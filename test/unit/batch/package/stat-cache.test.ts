import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {listPackageFiles} from '../../../../src/batch/package/files'
import {cachedArchive, rememberArchive, treeKey} from '../../../../src/batch/package/stat-cache'

const made: string[] = []
afterAll(() => {
  for (const dir of made) rmSync(dir, {force: true, recursive: true})
})

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-stat-cache-'))
  made.push(dir)
  writeFileSync(join(dir, 'a.py'), 'print(1)\n')
  writeFileSync(join(dir, 'b.txt'), 'b\n')
  return dir
}

const later = () => Date.now() + 10_000
const env = (dir: string) => ({MFBATCH_CACHE_DIR: join(dir, '.cache')})

describe('the package stat cache', () => {
  test('an unchanged tree has the same key, and its archive is found again', () => {
    const dir = tree()
    const key = treeKey(dir, listPackageFiles(dir, {label: '--package'}).files, later())
    expect(key).toMatch(/^[\da-f]{64}$/)
    expect(treeKey(dir, listPackageFiles(dir, {label: '--package'}).files, later())).toBe(key)
    const cache = mkdtempSync(join(tmpdir(), 'mfbatch-stat-cache-dir-'))
    made.push(cache)
    expect(cachedArchive(key, env(cache))).toBeUndefined()
    rememberArchive(key, {bytes: 10, sha256: 'f'.repeat(64)}, env(cache))
    expect(cachedArchive(key, env(cache))).toEqual({bytes: 10, sha256: 'f'.repeat(64)})
    expect(cachedArchive(key, {MFBATCH_CACHE_DIR: join(cache, '.cache'), MFBATCH_NO_CACHE: '1'})).toBeUndefined()
  })

  test('a file changed, added or renamed changes the key', () => {
    const dir = tree()
    const key = () => treeKey(dir, listPackageFiles(dir, {label: '--package'}).files, later())
    const first = key()
    writeFileSync(join(dir, 'b.txt'), 'c\n') // same size, new mtime/ctime
    const second = key()
    writeFileSync(join(dir, 'c.txt'), '')
    const third = key()
    expect(new Set([first, second, third]).size).toBe(3)
  })

  test('a file changed in the last two seconds makes the tree unknown (its mtime may not move again)', () => {
    const dir = tree()
    expect(treeKey(dir, listPackageFiles(dir, {label: '--package'}).files, Date.now())).toBeUndefined()
  })
})
