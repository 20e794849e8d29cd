import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GitignoreScope} from '../../../../src/batch/package/gitignore'
import {packageRules, secretsWarning} from '../../../../src/batch/package/rules'

const made: string[] = []
function root(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-rules-'))
  made.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), text)
  }

  return dir
}

afterAll(() => {
  for (const dir of made) rmSync(dir, {force: true, recursive: true})
})

describe('package rules: what is left out by default', () => {
  const rules = packageRules(root())
  test.each([
    // path, left out, left out only as a likely secret (what the warning names)
    ['train.py', false, undefined],
    ['deploy.pem', true, 'deploy.pem'],
    ['certs/server.pem', true, 'certs/server.pem'],
    ['tls.key', true, 'tls.key'],
    ['id_rsa', true, 'id_rsa'],
    ['id_rsa.pub', true, 'id_rsa.pub'],
    ['home/id_ed25519', true, 'home/id_ed25519'],
    ['.aws/credentials', true, '.aws/'],
    ['.aws/', true, '.aws/'],
    ['credentials.json', true, 'credentials.json'],
    ['.netrc', true, '.netrc'],
    ['.npmrc', true, '.npmrc'],
    ['.pypirc', true, '.pypirc'],
    ['keys.py', false, undefined],
    ['.env', true, undefined],
    ['.env.prod', true, undefined],
    ['.git/config', true, undefined],
    ['node_modules/x/index.js', true, undefined],
    ['src/__pycache__/a.pyc', true, undefined],
  ])('%s: left out %p, named as a secret %p', (path, excluded, secret) => {
    expect([rules.excluded(path), rules.secretOnly(path)]).toEqual([excluded, secret])
  })

  test('.mfbatchignore: "!NAME" ships a secret; naming one there leaves it out without the warning', () => {
    const own = packageRules(root({'.mfbatchignore': '!deploy.pem\nid_rsa*\n'}))
    expect([own.excluded('deploy.pem'), own.secretOnly('deploy.pem')]).toEqual([false, undefined])
    expect([own.excluded('id_rsa'), own.secretOnly('id_rsa')]).toEqual([true, undefined])
    expect([own.excluded('tls.key'), own.secretOnly('tls.key')]).toEqual([true, 'tls.key'])
  })

  test('--package-exclude leaves a secret out without the warning too', () => {
    const own = packageRules(root(), ['*.pem'])
    expect([own.excluded('deploy.pem'), own.secretOnly('deploy.pem')]).toEqual([true, undefined])
  })

  test('the warning: one line naming what was left out and how to ship it', () => {
    expect(secretsWarning([])).toBeUndefined()
    expect(secretsWarning(['.aws/', 'deploy.pem'])).toBe(
      'left out of the package as likely secrets: .aws/, deploy.pem; to ship one, add a "!.aws/" line to ' +
        '.mfbatchignore (a line without "!" leaves it out without this warning)',
    )
    expect(secretsWarning(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toMatch(/: a, b, c, d, e and 2 more; /)
  })
})

describe('.gitignore files outside git, as git reads them', () => {
  const dir = root({
    '.gitignore': 'model.txt\n*.log\nbuild/\n',
    'sub/.gitignore': '!keep.log\nlocal.txt\n',
    'sub/deeper/.gitignore': '*.csv\n',
  })
  const top = GitignoreScope.at(dir)
  const sub = top.enter(dir, 'sub')
  const deeper = sub.enter(dir, 'sub/deeper')
  test.each([
    [top, 'model.txt', true],
    [top, 'train.py', false],
    [top, 'build/', true],
    [top, 'run.log', true],
    [top, 'local.txt', false],
    [sub, 'sub/model.txt', true],
    [sub, 'sub/a.log', true],
    [sub, 'sub/keep.log', false],
    [sub, 'sub/local.txt', true],
    [sub, 'sub/data.csv', false],
    [deeper, 'sub/deeper/data.csv', true],
    [deeper, 'sub/deeper/keep.log', false],
  ])('%#: %s ignored %p', (scope, path, ignored) => {
    expect(scope.ignores(path)).toBe(ignored)
  })
})
