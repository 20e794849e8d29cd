import {bucketNameProblem, packageLocation, parsePackageRoot} from '../../../../src/batch/package/root'

const RULE =
  'S3 bucket names are 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a ' +
  'letter or digit'
const root = (value: string) => parsePackageRoot({origin: {kind: 'flag', label: '--package-root'}, value}, false)

describe('package root: S3 bucket naming rules', () => {
  test.each([
    ['abc', undefined],
    ['my-bucket.data-2', undefined],
    ['a'.repeat(63), undefined],
    ['b', 'is too short'],
    ['ab', 'is too short'],
    ['a'.repeat(64), 'is too long (64 characters)'],
    ['My-Bucket', 'holds "M"'],
    ['my_bucket', 'holds "_"'],
    ['-bucket', 'must start and end with a letter or digit'],
    ['bucket.', 'must start and end with a letter or digit'],
    ['my..bucket', 'holds two dots in a row'],
    ['192.168.5.4', 'is an IP address'],
    ['xn--bucket', 'uses a prefix or suffix S3 reserves'],
    ['bucket-s3alias', 'uses a prefix or suffix S3 reserves'],
  ])('%s: %p', (name, problem) => {
    expect(bucketNameProblem(name)).toBe(problem)
  })

  test('--package-root s3://b/p: one line naming the flag, the value and the rule', () => {
    expect(() => root('s3://b/p')).toThrow(
      `--package-root: "s3://b/p" is not allowed; the bucket name "b" is too short; ${RULE}`,
    )
  })

  test.each([['bkt'], ['https://bkt/p'], ['s3://']])('%s: not an s3:// URL', (value) => {
    expect(() => root(value)).toThrow(`--package-root: ${JSON.stringify(value)} is not allowed; use s3://BUCKET`)
  })

  test('a good root and the key under it', () => {
    expect(packageLocation(root('s3://bkt/a/b/'), 'f00')).toEqual({
      bucket: 'bkt',
      key: 'a/b/mfbatch/packages/f00.tar.gz',
      url: 's3://bkt/a/b/mfbatch/packages/f00.tar.gz',
    })
  })
})
