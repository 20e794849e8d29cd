/**
 * The one-pass unpacking of an outputs archive as it streams in: files appear only once the whole archive is in,
 * checked (its SHA-256 against the manifest's, every entry); a corrupt or unreadable archive leaves nothing behind,
 * not even its staging folder.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'

import {unpackOutputs} from '../../../../src/batch/outputs/unpack'

let dir: string
let archive: Buffer

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-unpack-'))
  const made = join(dir, 'made')
  mkdirSync(join(made, 'out'), {recursive: true})
  writeFileSync(join(made, 'model.txt'), 'model\n')
  writeFileSync(join(made, 'out', 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7))
  archive = execFileSync('sh', ['-c', 'tar -cf - model.txt out | gzip -n'], {cwd: made, maxBuffer: 64 * 1024 * 1024})
})

afterAll(() => rmSync(dir, {force: true, recursive: true}))

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
/** The archive in pieces of 64 KiB, as a download brings it. */
const body = (bytes: Buffer): Readable =>
  Readable.from(
    Array.from({length: Math.ceil(bytes.length / 65_536)}, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536)),
  )
const names = (into: string): string[] => (readdirSync(into, {recursive: true}) as string[]).sort()

describe('unpackOutputs', () => {
  test('a whole, matching archive: its files in place, nothing else; a second time leaves them unchanged', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const options = {describe: 's3://b/k', sha256: sha256(archive)}
    expect(await unpackOutputs(body(archive), into, options)).toEqual({
      unchanged: [],
      written: ['model.txt', 'out/big.bin'],
    })
    expect(names(into)).toEqual(['model.txt', 'out', 'out/big.bin'])
    expect(readFileSync(join(into, 'model.txt'), 'utf8')).toBe('model\n')
    const before = statSync(join(into, 'out', 'big.bin')).mtimeMs
    expect(await unpackOutputs(body(archive), into, options)).toEqual({
      unchanged: ['model.txt', 'out/big.bin'],
      written: [],
    })
    expect(statSync(join(into, 'out', 'big.bin')).mtimeMs).toBe(before)
  })

  test('an archive that does not match its manifest: refused, nothing written, no staging folder left', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    await expect(unpackOutputs(body(archive), into, {describe: 's3://b/k', sha256: '0'.repeat(64)})).rejects.toThrow(
      `the outputs archive s3://b/k has sha256 ${sha256(archive)}, its manifest says ${'0'.repeat(64)}: it is corrupt; ` +
        'download it again, or run the job again',
    )
    expect(names(into)).toEqual([])
  })

  test('bytes that are not a tar.gz: refused saying so, nothing left', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const junk = Buffer.from('not an archive\n')
    await expect(unpackOutputs(body(junk), into, {describe: 's3://b/k', sha256: sha256(junk)})).rejects.toThrow(
      /^the outputs archive s3:\/\/b\/k is not a readable tar\.gz \(incorrect header check\); download it again/,
    )
    expect(names(into)).toEqual([])
  })

  test('encoding none: a plain tar unpacked as it is; bytes that are not a tar refused saying so', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const tar = execFileSync('sh', ['-c', 'gzip -dc'], {input: archive, maxBuffer: 64 * 1024 * 1024})
    const plain = {describe: 's3://b/k', encoding: 'none' as const, sha256: sha256(tar)}
    expect(await unpackOutputs(body(tar), into, plain)).toEqual({unchanged: [], written: ['model.txt', 'out/big.bin']})
    expect(readFileSync(join(into, 'out', 'big.bin'))).toEqual(Buffer.alloc(3 * 1024 * 1024, 7))

    const junk = Buffer.from('not an archive\n')
    const empty = mkdtempSync(join(dir, 'into-'))
    await expect(unpackOutputs(body(junk), empty, {...plain, sha256: sha256(junk)})).rejects.toThrow(
      'the outputs archive s3://b/k is not a readable tar; download it again, or run the job again',
    )
    expect(names(empty)).toEqual([])
  })

  test('encoding none: a member leading out of the directory is refused as in a tar.gz, nothing written', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const made = join(dir, 'evil.tar')
    execFileSync('python3', [
      '-c',
      'import io, sys, tarfile\nwith tarfile.open(sys.argv[1], "w") as t:\n  for n in ("ok.txt", "../up.txt"):\n' +
        String.raw`    i = tarfile.TarInfo(n); i.size = 3; t.addfile(i, io.BytesIO(b"hi\n"))`,
      made,
    ])
    const evil = readFileSync(made)
    await expect(
      unpackOutputs(body(evil), into, {describe: 's3://b/k', encoding: 'none', sha256: sha256(evil)}),
    ).rejects.toThrow('refused the outputs archive, nothing was written: "../up.txt" leads out of the directory')
    expect(names(into)).toEqual([])
    expect(existsSync(join(dir, 'up.txt'))).toBe(false)
  })

  test('an archive that ends in the middle of a file (its manifest agreeing): refused, nothing left', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const tar = execFileSync('sh', ['-c', 'gzip -dc'], {input: archive, maxBuffer: 64 * 1024 * 1024})
    const cut = execFileSync('sh', ['-c', 'gzip -n'], {input: tar.subarray(0, 2 * 1024 * 1024)})
    await expect(unpackOutputs(body(cut), into, {describe: 's3://b/k', sha256: sha256(cut)})).rejects.toThrow(
      'the outputs archive ends in the middle of out/big.bin; download it again, or run the job again',
    )
    expect(names(into)).toEqual([])
  })

  test('a gzip bomb (past 1000 times its size) is refused as tar refuses it, nothing left', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const script = 'head -c 67108864 /dev/zero > zeros && tar -cf - zeros | gzip -9n && rm zeros'
    const bomb = execFileSync('sh', ['-c', script], {cwd: mkdtempSync(join(dir, 'bomb-'))})
    await expect(unpackOutputs(body(bomb), into, {describe: 's3://b/k', sha256: sha256(bomb)})).rejects.toThrow(
      'refused the outputs archive s3://b/k: it inflates to over 1000 times its size',
    )
    expect(names(into)).toEqual([])
  })

  test('a download that breaks half-way: the error, and nothing left', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const half = archive.subarray(0, Math.floor(archive.length / 2))
    const broken = Readable.from(
      (async function* () {
        yield half
        throw new Error('socket hang up')
      })(),
    )
    await expect(unpackOutputs(broken, into, {describe: 's3://b/k', sha256: sha256(archive)})).rejects.toThrow(
      'socket hang up',
    )
    expect(names(into)).toEqual([])
  })
})
