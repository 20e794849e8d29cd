import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {buildArchive, checkPackageSize} from '../../../../src/batch/package/archive'
import {shellQuote} from '../../../../src/batch/package/bootstrap'
import {listPackageFiles} from '../../../../src/batch/package/files'
import {packageDir} from '../../../../src/batch/package/prepare'
import {parsePackageRoot} from '../../../../src/batch/package/root'

const made: string[] = []
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-archive-'))
  made.push(dir)
  mkdirSync(join(dir, 'src'))
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, '__pycache__'))
  writeFileSync(join(dir, 'src', 'a.py'), 'a\n')
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n')
  chmodSync(join(dir, 'run.sh'), 0o755)
  writeFileSync(join(dir, 'node_modules', 'x.js'), '')
  writeFileSync(join(dir, '__pycache__', 'a.pyc'), '')
  writeFileSync(join(dir, '.env'), 'X=1')
  writeFileSync(join(dir, '.env.prod'), 'X=1')
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(2048))
  writeFileSync(join(dir, '.mfbatchignore'), 'big.bin\n')
  return dir
}

/** A folder of its own for each archive, removed with the trees. */
function into(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-archive-out-'))
  made.push(dir)
  return dir
}

afterAll(() => {
  for (const dir of made) rmSync(dir, {force: true, recursive: true})
})

const env = {origin: {kind: 'flag' as const, label: '--package'}, value: true}

describe('code package', () => {
  test('files: the fixed exclusions and .mfbatchignore and --package-exclude leave files out, sorted', () => {
    const dir = tree()
    expect(listPackageFiles(dir, {label: '--package'}).files.map((f) => f.path)).toEqual([
      '.mfbatchignore',
      'run.sh',
      'src/a.py',
    ])
    expect(listPackageFiles(dir, {excludes: ['src/'], label: '--package'}).files.map((f) => f.path)).toEqual([
      '.mfbatchignore',
      'run.sh',
    ])
  })

  test('the same tree gives the same bytes whatever the mtimes', async () => {
    const dir = tree()
    const {files} = listPackageFiles(dir, {label: '--package'})
    const first = await buildArchive(dir, files, into())
    utimesSync(join(dir, 'src', 'a.py'), new Date(5000), new Date(5000))
    const second = await buildArchive(dir, files, into())
    expect(second.sha256).toBe(first.sha256)
    writeFileSync(join(dir, 'src', 'a.py'), 'b\n')
    expect((await buildArchive(dir, files, into())).sha256).not.toBe(first.sha256)
  })

  test('a fixed tree gives the bytes it always gave (their SHA-256 names packages already in S3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfbatch-archive-'))
    made.push(dir)
    mkdirSync(join(dir, 'src', 'deep'), {recursive: true})
    writeFileSync(join(dir, 'src', 'a.py'), 'print("a")\n')
    writeFileSync(join(dir, 'src', 'deep', 'b.txt'), 'b'.repeat(100_000))
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n')
    chmodSync(join(dir, 'run.sh'), 0o755)
    chmodSync(join(dir, 'src', 'a.py'), 0o644)
    chmodSync(join(dir, 'src', 'deep', 'b.txt'), 0o644)
    symlinkSync('src/a.py', join(dir, 'link.py'))
    const {files} = listPackageFiles(dir, {label: '--package'})
    expect(files.map((file) => file.path)).toEqual(['link.py', 'run.sh', 'src/a.py', 'src/deep/b.txt'])
    const archive = await buildArchive(dir, files, into())
    // Changed once, with gzip level 9 -> 6 (archive.ts): each tree's next submit uploads its package once more.
    expect(archive.sha256).toBe('e21e3de4be945810cc92203afe79e19e9a4fa4a179805cb1737b3652768741c4')
  })

  test('too big: one line naming the biggest files', () => {
    const files = [
      {path: 'a', size: 10},
      {path: 'b', size: 30},
    ]
    expect(() => checkPackageSize(files, 20, '--package')).toThrow(
      '--package: the package would hold 40 bytes, above the limit of 20 bytes (--package-max-size); biggest files: b (30 bytes), a (10 bytes); leave them out with .mfbatchignore or --package-exclude',
    )
  })

  test.each([
    [true, '/w'],
    [false, undefined],
    ['0', undefined],
    ['true', '/w'],
    ['sub', '/w/sub'],
  ])('package setting %p -> %p', (value, dir) => {
    expect(packageDir({...env, value}, '/w')).toBe(dir)
  })

  test('roots', () => {
    expect(parsePackageRoot({...env, value: 's3://bkt/a/b/'}, false)).toEqual({bucket: 'bkt', prefix: 'a/b'})
    expect(parsePackageRoot({...env, value: undefined}, true)).toEqual({bucket: 'mfbatch-local', prefix: ''})
    expect(() => parsePackageRoot({...env, value: 'bkt'}, false)).toThrow('"bkt" is not allowed')
  })

  test('shell quoting keeps any value, quotes included', () => {
    expect(shellQuote("it's")).toBe(String.raw`'it'\''s'`)
  })
})
