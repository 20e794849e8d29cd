/**
 * An attempt's manifest read and followed: its `encoding` says whether the archive is a tar.gz or a plain tar (the
 * job gzips only small ones), and a manifest from earlier versions, without the field, is a tar.gz. Archives are
 * listed under either key.
 */
import type {Readable} from 'node:stream'

import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable as ReadableStream} from 'node:stream'

import type {S3Api} from '../../../../src/batch/clients'

import {downloadAttempt, listAttempts, parseManifest} from '../../../../src/batch/outputs/fetch'

const SHA = 'a'.repeat(64)
let dir: string
let tar: Buffer
let gz: Buffer

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-fetch-'))
  const made = join(dir, 'made')
  mkdirSync(made)
  writeFileSync(join(made, 'model.txt'), 'model\n')
  tar = execFileSync('tar', ['-cf', '-', 'model.txt'], {cwd: made})
  gz = execFileSync('gzip', ['-n'], {input: tar})
})

afterAll(() => rmSync(dir, {force: true, recursive: true}))

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** An S3 holding these objects: enough for listing, reading a manifest and streaming an archive. */
function fakeS3(objects: Record<string, Buffer | string>): S3Api {
  const bytes = (key: string) => Buffer.from(objects[key])
  return {
    async list(_bucket: string, prefix: string) {
      return Object.keys(objects)
        .filter((key) => key.startsWith(prefix))
        .map((key) => ({key, size: bytes(key).length}))
    },
    async read(_bucket: string, key: string): Promise<Readable> {
      return ReadableStream.from([bytes(key)])
    },
    async readText(_bucket: string, key: string) {
      return key in objects ? String(objects[key]) : undefined
    },
  } as unknown as S3Api
}

describe('parseManifest', () => {
  const fields = {bytes: 10, exitCode: 0, missing: ['x'], sha256: SHA}

  test('a manifest without encoding (from earlier versions) is a tar.gz', () => {
    expect(parseManifest(JSON.stringify(fields), 's3://b/k.json')).toEqual({...fields, encoding: 'gzip'})
  })

  test.each(['gzip', 'none'])('encoding %s is kept', (encoding) => {
    expect(parseManifest(JSON.stringify({...fields, encoding}), 's3://b/k.json')).toEqual({...fields, encoding})
  })

  test('an encoding this version does not know: refused, saying to update', () => {
    expect(() => parseManifest(JSON.stringify({...fields, encoding: 'zstd'}), 's3://b/k.json')).toThrow(
      'the outputs manifest s3://b/k.json says encoding "zstd", which this mfbatch does not know (it reads gzip and ' +
        'none): update mfbatch',
    )
  })

  test.each([
    ['not JSON', '{"bytes":'],
    ['not an object', '[]'],
    ['no sha256', JSON.stringify({...fields, sha256: undefined})],
    ['a short sha256', JSON.stringify({...fields, sha256: 'abc'})],
    ['missing not a list of strings', JSON.stringify({...fields, missing: [1]})],
    ['an encoding that is not a string', JSON.stringify({...fields, encoding: 1})],
  ])('%s: refused, naming the manifest', (_, text) => {
    expect(() => parseManifest(text, 's3://b/k.json')).toThrow(
      'the outputs manifest s3://b/k.json is not one mfbatch wrote; run the job again',
    )
  })
})

describe('listAttempts and downloadAttempt', () => {
  const target = {bucket: 'b', prefix: 'r/mfbatch/outputs/s'}

  test('attempts under .tar.gz and .tar keys are both listed, manifests not', async () => {
    const s3 = fakeS3({
      'r/mfbatch/outputs/s/j/attempt-1.json': '{}',
      'r/mfbatch/outputs/s/j/attempt-1.tar.gz': gz,
      'r/mfbatch/outputs/s/j/attempt-2.json': '{}',
      'r/mfbatch/outputs/s/j/attempt-2.tar': tar,
    })
    expect((await listAttempts(s3, target, 'j')).map((a) => [a.attempt, a.key, a.bytes])).toEqual([
      [1, 'r/mfbatch/outputs/s/j/attempt-1.tar.gz', gz.length],
      [2, 'r/mfbatch/outputs/s/j/attempt-2.tar', tar.length],
    ])
  })

  test.each([
    ['an old manifest without encoding: a tar.gz, inflated', 'attempt-1.tar.gz', () => gz, undefined],
    ['encoding gzip: inflated', 'attempt-1.tar.gz', () => gz, 'gzip'],
    ['encoding none: a plain tar, as it is', 'attempt-1.tar', () => tar, 'none'],
  ])('%s', async (_, name, archive, encoding) => {
    const key = `r/mfbatch/outputs/s/j/${name}`
    const manifest = {bytes: archive().length, encoding, exitCode: 0, missing: [], sha256: sha256(archive())}
    const s3 = fakeS3({[key]: archive(), 'r/mfbatch/outputs/s/j/attempt-1.json': JSON.stringify(manifest)})
    const [attempt] = await listAttempts(s3, target, 'j')
    const into = mkdtempSync(join(dir, 'into-'))
    const got = await downloadAttempt(s3, 'b', attempt, into)
    expect([got.written, got.manifest.encoding]).toEqual([['model.txt'], encoding ?? 'gzip'])
    expect(readFileSync(join(into, 'model.txt'), 'utf8')).toBe('model\n')
  })
})
