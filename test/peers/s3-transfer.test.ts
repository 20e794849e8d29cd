/**
 * The AWS CLI v2's high-level S3 commands and boto3's transfer manager against the emulator's S3, with results
 * compared byte for byte: `s3 sync` both ways of a tree with nested folders (a 20 MiB file among them, so
 * multipart upload and ranged download), `s3 cp --recursive` (server-side copies), `s3 ls` with prefixes,
 * `s3 mv`, `s3 rm --recursive`, `s3 rb`, `s3api copy-object` and `delete-objects`; boto3's multipart upload and
 * multi-threaded ranged download of a 40 MiB object, `head_object` metadata, the `list_objects_v2` paginator with a
 * delimiter.
 */
import {execFile} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {aws} from './helpers/aws-cli'
import {requireBoto3} from './helpers/boto3'
import {peerCredentialEnv} from './helpers/credentials'
import {s3PeerSuite} from './helpers/s3-suite'

const suite = s3PeerSuite('s3-transfer', 120_000)
const {ok} = suite

/** Every file under `root` with the SHA-256 of its bytes, by relative path. */
function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (at: string) => {
    for (const entry of readdirSync(at, {withFileTypes: true})) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else files[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex')
    }
  }

  walk(root)
  return files
}

function write(path: string, data: Buffer | string): void {
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, data)
}

/** `s3 ls` lines without their dates: `PRE name/` or `size name`. */
const listing = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((line) =>
      line
        .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +/, '')
        .replaceAll(/ +/g, ' ')
        .trim(),
    )

describe('AWS CLI v2 high-level S3 commands', () => {
  test('sync both ways, ls, cp --recursive, mv, rm --recursive, rb', async () => {
    const local = join(suite.dir, 'tree')
    write(join(local, 'top.txt'), 'top\n')
    write(join(local, 'sub', 'one.txt'), 'one\n')
    write(join(local, 'sub', 'deep', 'two words+plus.txt'), 'two\n')
    write(join(local, 'sub', 'deep', 'ünïcode.txt'), 'unicode\n')
    write(join(local, 'other', 'big.bin'), randomBytes(20 * 1024 * 1024))
    await ok(['s3', 'mb', 's3://peer-transfer'])
    await ok(['s3', 'sync', '--only-show-errors', local, 's3://peer-transfer/base'])
    const back = join(suite.dir, 'back')
    await ok(['s3', 'sync', '--only-show-errors', 's3://peer-transfer/base', back])
    expect(tree(back)).toEqual(tree(local))

    // Nothing changed: a second sync has nothing to send.
    expect(await ok(['s3', 'sync', local, 's3://peer-transfer/base'])).toBe('')
    write(join(local, 'sub', 'one.txt'), 'one, changed and longer\n')
    expect(await ok(['s3', 'sync', '--no-progress', local, 's3://peer-transfer/base'])).toMatch(
      /^upload: \S*\/tree\/sub\/one\.txt to s3:\/\/peer-transfer\/base\/sub\/one\.txt\n$/,
    )

    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/base/']))).toEqual(['PRE other/', 'PRE sub/', '4 top.txt'])
    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/base/sub/']))).toEqual(['PRE deep/', '24 one.txt'])
    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/base/sub/deep/t']))).toEqual(['4 two words+plus.txt'])
    expect(listing(await ok(['s3', 'ls', '--recursive', 's3://peer-transfer/']))).toEqual([
      `${20 * 1024 * 1024} base/other/big.bin`,
      '4 base/sub/deep/two words+plus.txt',
      '8 base/sub/deep/ünïcode.txt',
      '24 base/sub/one.txt',
      '4 base/top.txt',
    ])

    await ok(['s3', 'cp', '--recursive', '--only-show-errors', 's3://peer-transfer/base/', 's3://peer-transfer/copy/'])
    const copied = join(suite.dir, 'copied')
    await ok(['s3', 'cp', '--recursive', '--only-show-errors', 's3://peer-transfer/copy/', copied])
    expect(tree(copied)).toEqual(tree(local))

    await ok(['s3', 'mv', '--only-show-errors', 's3://peer-transfer/copy/top.txt', 's3://peer-transfer/moved/top.txt'])
    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/']))).toEqual(['PRE base/', 'PRE copy/', 'PRE moved/'])
    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/copy/']))).toEqual(['PRE other/', 'PRE sub/'])

    await ok(['s3', 'rm', '--recursive', '--only-show-errors', 's3://peer-transfer/copy/'])
    expect(listing(await ok(['s3', 'ls', 's3://peer-transfer/']))).toEqual(['PRE base/', 'PRE moved/'])
    const notEmpty = await aws(suite.emulator.url, ['s3', 'rb', 's3://peer-transfer'])
    expect(notEmpty.code).toBe(1)
    expect(notEmpty.stderr).toMatch(/BucketNotEmpty/)
    await ok(['s3', 'rb', '--force', 's3://peer-transfer'])
    expect(await ok(['s3', 'ls'])).not.toMatch(/peer-transfer/)
  }, 240_000)

  test('s3api copy-object with a metadata directive, head-object, delete-objects', async () => {
    await ok(['s3', 'mb', 's3://peer-api'])
    const file = join(suite.dir, 'api.txt')
    writeFileSync(file, 'api body\n')
    await ok(['s3', 'cp', '--only-show-errors', '--metadata', 'origin=cli', file, 's3://peer-api/src.txt'])
    const kept = JSON.parse(
      await ok([
        's3api',
        'copy-object',
        '--bucket',
        'peer-api',
        '--key',
        'kept.txt',
        '--copy-source',
        'peer-api/src.txt',
      ]),
    )
    expect(kept.CopyObjectResult.ETag).toBe(`"${createHash('md5').update('api body\n').digest('hex')}"`)
    const replaced = [
      's3api',
      'copy-object',
      '--bucket',
      'peer-api',
      '--key',
      'replaced.txt',
      '--copy-source',
      'peer-api/src.txt',
      '--metadata-directive',
      'REPLACE',
      '--metadata',
      'stage=two',
      '--content-type',
      'text/plain',
    ]
    await ok(replaced)
    const head = async (key: string) => {
      const {ContentLength, ContentType, Metadata} = JSON.parse(
        await ok(['s3api', 'head-object', '--bucket', 'peer-api', '--key', key]),
      )
      return {ContentLength, ContentType, Metadata}
    }

    expect(await head('kept.txt')).toEqual({ContentLength: 9, ContentType: 'text/plain', Metadata: {origin: 'cli'}})
    expect(await head('replaced.txt')).toEqual({ContentLength: 9, ContentType: 'text/plain', Metadata: {stage: 'two'}})

    const deleted = JSON.parse(
      await ok([
        's3api',
        'delete-objects',
        '--bucket',
        'peer-api',
        '--delete',
        JSON.stringify({Objects: [{Key: 'kept.txt'}, {Key: 'replaced.txt'}, {Key: 'never-was.txt'}]}),
      ]),
    )
    expect(deleted).toEqual({Deleted: [{Key: 'kept.txt'}, {Key: 'replaced.txt'}, {Key: 'never-was.txt'}]})
    const quiet = await ok([
      's3api',
      'delete-objects',
      '--bucket',
      'peer-api',
      '--delete',
      JSON.stringify({Objects: [{Key: 'src.txt'}], Quiet: true}),
    ])
    expect(quiet).toBe('')
    const left = JSON.parse(await ok(['s3api', 'list-objects-v2', '--no-paginate', '--bucket', 'peer-api']))
    expect(left).toEqual({
      EncodingType: 'url',
      IsTruncated: false,
      KeyCount: 0,
      MaxKeys: 1000,
      Name: 'peer-api',
      Prefix: '',
    })
  }, 120_000)
})

const BOTO = String.raw`
import hashlib, json, os, sys, boto3
from boto3.s3.transfer import TransferConfig
ep, d = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
s3.create_bucket(Bucket="peer-tm")
data = os.urandom(40 * 1024 * 1024)
open(d + "/up.bin", "wb").write(data)
config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=8)
s3.upload_file(d + "/up.bin", "peer-tm", "data/big.bin", Config=config,
               ExtraArgs={"Metadata": {"run-id": "42", "flow": "demo"}, "ContentType": "application/x-demo"})
s3.download_file("peer-tm", "data/big.bin", d + "/down.bin", Config=config)
head = s3.head_object(Bucket="peer-tm", Key="data/big.bin")
ranged = s3.get_object(Bucket="peer-tm", Key="data/big.bin", Range="bytes=-10")
for key in ["tree/a/1", "tree/a/2", "tree/b/1", "tree/c", "tree/d", "top"]:
    s3.put_object(Bucket="peer-tm", Key=key, Body=key.encode())
pages = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="peer-tm", Prefix="tree/", Delimiter="/",
                                                          PaginationConfig={"PageSize": 2}):
    pages.append({"keys": [o["Key"] for o in page.get("Contents", [])],
                  "prefixes": [p["Prefix"] for p in page.get("CommonPrefixes", [])], "count": page["KeyCount"]})
print(json.dumps({
    "same": hashlib.sha256(open(d + "/down.bin", "rb").read()).hexdigest() == hashlib.sha256(data).hexdigest(),
    "size": head["ContentLength"], "type": head["ContentType"], "meta": head["Metadata"],
    "etagParts": head["ETag"].strip('"').split("-")[1],
    "range": [ranged["ContentRange"], ranged["Body"].read() == data[-10:]],
    "pages": pages,
}))
`

describe('boto3 transfer manager', () => {
  test('multipart upload, multi-threaded ranged download, head_object metadata, paginator with a delimiter', async () => {
    const python = requireBoto3()
    const out = await new Promise<string>((done, fail) => {
      execFile(
        python,
        ['-c', BOTO, suite.emulator.url, suite.dir],
        {env: {...process.env, ...peerCredentialEnv(suite.emulator.url)}, timeout: 180_000},
        (error, stdout, stderr) => (error ? fail(new Error(stderr || error.message)) : done(stdout)),
      )
    })
    expect(JSON.parse(out)).toEqual({
      etagParts: '5',
      meta: {flow: 'demo', 'run-id': '42'},
      pages: [
        {count: 2, keys: [], prefixes: ['tree/a/', 'tree/b/']},
        {count: 2, keys: ['tree/c', 'tree/d'], prefixes: []},
      ],
      range: [`bytes ${40 * 1024 * 1024 - 10}-${40 * 1024 * 1024 - 1}/${40 * 1024 * 1024}`, true],
      same: true,
      size: 40 * 1024 * 1024,
      type: 'application/x-demo',
    })
    expect(statSync(join(suite.dir, 'down.bin')).size).toBe(40 * 1024 * 1024)
  }, 240_000)
})
