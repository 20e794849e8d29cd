import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseInputs} from '../../../../src/batch/inputs/parse'
import {parseOutputPaths, parseS3Outputs} from '../../../../src/batch/outputs/layout'
import {memberProblem} from '../../../../src/batch/outputs/unpack'

describe('parseOutputPaths', () => {
  test('relative files, folders and globs, ./ dropped, duplicates once', () => {
    expect(parseOutputPaths(['model.txt', './out/', 'plots/*.png', 'model.txt'])).toEqual([
      'model.txt',
      'out/',
      'plots/*.png',
    ])
  })

  test.each([['/etc/passwd'], ['../up.txt'], ['a/../../b'], ['-rf'], ['my file'], ['a"b'], ['.'], ['']])(
    '%j is refused naming --output',
    (value) => {
      expect(() => parseOutputPaths([value])).toThrow(`--output: ${JSON.stringify(value)} is not allowed; use a file`)
    },
  )

  test('PATH=s3://BUCKET/PREFIX/ is an output left in S3, not in the archive', () => {
    const values = ['model.txt', './ckpt/=s3://b/runs/1/', 'log.txt=s3://b/']
    expect(parseOutputPaths(values)).toEqual(['model.txt'])
    expect(parseS3Outputs(values)).toEqual([
      {path: 'ckpt', url: 's3://b/runs/1/'},
      {path: 'log.txt', url: 's3://b/'},
    ])
  })

  test.each([['out=s3://b/p'], ['*.png=s3://b/p/'], ['../x=s3://b/p/'], ['x=s3://b/p q/'], ['x=s3://b']])(
    '%j is refused naming --output and the S3 form',
    (value) => {
      expect(() => parseS3Outputs([value])).toThrow(
        `--output: ${JSON.stringify(value)} is not allowed; use PATH=s3://BUCKET/PREFIX/`,
      )
    },
  )
})

describe('parseInputs', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-inputs-'))
    mkdirSync(join(dir, 'project'))
    mkdirSync(join(dir, 'data'))
    writeFileSync(join(dir, 'project', 'in.txt'), 'x')
    writeFileSync(join(dir, 'p.json'), '{}')
  })
  afterAll(() => rmSync(dir, {force: true, recursive: true}))

  test('S3 object, S3 prefix, local file and directory', () => {
    const cwd = join(dir, 'project')
    expect(
      parseInputs(
        ['s3://b/k=data.csv', 's3://b/set/=set/', '../p.json=p.json', `${join(dir, 'data')}=d`, 's3://b/a=b=c'],
        cwd,
        cwd,
      ),
    ).toEqual([
      {kind: 's3-object', path: 'data.csv', source: 's3://b/k'},
      {kind: 's3-prefix', path: 'set', source: 's3://b/set/'},
      {kind: 'file', path: 'p.json', source: join(dir, 'p.json')},
      {kind: 'dir', path: 'd', source: join(dir, 'data')},
      {kind: 's3-object', path: 'c', source: 's3://b/a=b'},
    ])
  })

  test.each([
    ['s3://b/k', 'use SRC=PATH'],
    ['s3://b/k=/abs', 'use SRC=PATH'],
    ['s3://b/k=../up', 'use SRC=PATH'],
    ['s3://b=x', 'use SRC=PATH'],
    ['nope.txt=x', 'nope.txt does not exist here'],
    ['in.txt=x', 'in.txt is in the package already'],
  ])('%j is refused: %s', (value, message) => {
    const cwd = join(dir, 'project')
    expect(() => parseInputs([value], cwd, cwd)).toThrow(`--input: ${JSON.stringify(value)} is not allowed;`)
    expect(() => parseInputs([value], cwd, cwd)).toThrow(message)
  })
})

describe('memberProblem', () => {
  test.each([
    ['File', 'a/b.txt', undefined, undefined],
    ['Directory', 'out/', undefined, undefined],
    ['SymbolicLink', 'out/l', '../model.txt', undefined],
    ['File', '../x', undefined, '"../x" leads out of the directory'],
    ['File', 'a/../../x', undefined, '"a/../../x" leads out of the directory'],
    ['File', '/etc/x', undefined, '"/etc/x" is an absolute path'],
    ['SymbolicLink', 'l', '/etc', 'the link "l" -> "/etc" leads out of the directory'],
    ['SymbolicLink', 'a/l', '../..', 'the link "a/l" -> "../.." leads out of the directory'],
    ['Link', 'h', '../x', 'the hard link "h" -> "../x" leads out of the directory'],
    ['CharacterDevice', 'dev', undefined, '"dev" is a CharacterDevice, not a file, directory or link'],
  ])('%s %j -> %j: %j', (type, path, link, problem) => {
    expect(memberProblem(type, path, link)).toBe(problem)
  })
})
