/**
 * "A per-user path I may trust" (src/files): the predicate row by row, then on real folders and files made with
 * chmod and chown (the chown rows need root, as CI runs; elsewhere they are skipped and say why), then the I/O that
 * uses it: 0700 folders, 0600 files, no link in the last step, random temporary names.
 */
import {
  chmodSync,
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  appendPrivateFile,
  ensurePrivateDir,
  readPrivateFile,
  replacePrivateFile,
  UntrustedPathError,
} from '../../../src/files/private-files'
import {distrustOf, distrustOfEntry, modeText} from '../../../src/files/trusted-path'

/** Another user's uid for chown: any number that is not ours will do for the file system. */
const OTHER_UID = 4242
const isRoot = process.getuid?.() === 0
if (!isRoot) console.warn('trusted-path.test.ts: not root, so the rows that chown to another user are skipped')
const asRoot = isRoot ? test : test.skip
const me = process.getuid!()

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-trust-'))
})
afterEach(() => rmSync(dir, {force: true, recursive: true}))

/** What the check says, or 'trusted'. */
function verdict(error: unknown): string {
  if (error instanceof UntrustedPathError) return `${error.isFolder ? 'folder' : 'file'}: ${error.message}`
  throw error
}

/** The check of one real entry, without following a link. */
function entry(path: string, expected: 'directory' | 'file'): string {
  const distrust = distrustOfEntry(path, lstatSync(path), expected, 'me')
  return distrust ? `${distrust.kind}: ${distrust.why}` : 'trusted'
}

const mode = (path: string): string => modeText(lstatSync(path).mode)

function attempt(run: () => unknown): string {
  try {
    run()
    return 'trusted'
  } catch (error) {
    return verdict(error)
  }
}

describe('distrustOf, row by row (uid 1000)', () => {
  test.each([
    [1000, 0o4_0755, 'me', undefined],
    [1000, 0o4_0700, 'me', undefined],
    [1000, 0o10_0644, 'me', undefined],
    [1000, 0o4_0775, 'me', 'writable: it is writable by group or others (mode 775)'],
    [1000, 0o4_0757, 'me', 'writable: it is writable by group or others (mode 757)'],
    [1000, 0o4_1777, 'me', 'writable: it is writable by group or others (mode 1777)'],
    [1000, 0o10_0666, 'me-or-root', 'writable: it is writable by group or others (mode 666)'],
    [0, 0o4_0755, 'me', 'owner: it belongs to user 0, not to you (1000)'],
    [0, 0o4_0755, 'me-or-root', undefined],
    [0, 0o4_1777, 'me-or-root', 'writable: it is writable by group or others (mode 1777)'],
    [1001, 0o4_0755, 'me-or-root', 'owner: it belongs to user 1001, not to you (1000) or root'],
    [1001, 0o4_0700, 'me', 'owner: it belongs to user 1001, not to you (1000)'],
  ] as const)('owner %d, mode %s, %s: %s', (uid, mode, owners, expected) => {
    const distrust = distrustOf('/p', {mode, uid}, owners, 1000)
    expect(distrust && `${distrust.kind}: ${distrust.why}`).toBe(expected)
  })

  test('root running: another user is "not you (0)", root is you', () => {
    expect(distrustOf('/p', {mode: 0o4_0755, uid: 1001}, 'me-or-root', 0)?.why).toBe(
      'it belongs to user 1001, not to you (0)',
    )
    expect(distrustOf('/p', {mode: 0o4_0755, uid: 0}, 'me', 0)).toBeUndefined()
  })
})

describe('distrustOfEntry on real folders and files', () => {
  test.each([
    ['700', 'trusted'],
    ['755', 'trusted'],
    ['770', 'writable: it is writable by group or others (mode 770)'],
    ['777', 'writable: it is writable by group or others (mode 777)'],
    ['1777', 'writable: it is writable by group or others (mode 1777)'],
  ])('a folder of mine, chmod %s: %s', (mode, expected) => {
    const folder = join(dir, 'f')
    mkdirSync(folder)
    chmodSync(folder, Number.parseInt(mode, 8))
    expect(entry(folder, 'directory')).toBe(expected)
  })

  test.each([
    ['600', 'trusted'],
    ['644', 'trusted'],
    ['664', 'writable: it is writable by group or others (mode 664)'],
    ['646', 'writable: it is writable by group or others (mode 646)'],
  ])('a file of mine, chmod %s: %s', (mode, expected) => {
    const file = join(dir, 'x')
    writeFileSync(file, '')
    chmodSync(file, Number.parseInt(mode, 8))
    expect(entry(file, 'file')).toBe(expected)
  })

  test('a link in the last step, to a file of mine: a link, not trusted', () => {
    writeFileSync(join(dir, 'target'), '')
    symlinkSync(join(dir, 'target'), join(dir, 'link'))
    expect(entry(join(dir, 'link'), 'file')).toBe('link: it is a symbolic link')
  })

  test('a folder where a file was expected, and the other way round', () => {
    writeFileSync(join(dir, 'x'), '')
    expect(entry(dir, 'file')).toBe('type: it is not a regular file')
    expect(entry(join(dir, 'x'), 'directory')).toBe('type: it is not a folder')
  })

  asRoot('a folder and a file chowned to another user: theirs, not trusted', () => {
    mkdirSync(join(dir, 'f'), {mode: 0o700})
    chownSync(join(dir, 'f'), OTHER_UID, OTHER_UID)
    writeFileSync(join(dir, 'x'), '', {mode: 0o600})
    chownSync(join(dir, 'x'), OTHER_UID, OTHER_UID)
    expect(entry(join(dir, 'f'), 'directory')).toBe(`owner: it belongs to user ${OTHER_UID}, not to you (${me})`)
    expect(entry(join(dir, 'x'), 'file')).toBe(`owner: it belongs to user ${OTHER_UID}, not to you (${me})`)
  })
})

describe('private files: the I/O of the cache folder', () => {
  test('a new folder is made 0700 (parents too) and a new file 0600; a temporary file leaves nothing behind', () => {
    const file = join(dir, 'cache', 'mfbatch', 'submit.json')
    replacePrivateFile(file, '{}\n')
    appendPrivateFile(join(dir, 'cache', 'mfbatch', 'history.jsonl'), 'a\n')
    expect([mode(join(dir, 'cache')), mode(join(dir, 'cache', 'mfbatch')), mode(file)]).toEqual(['700', '700', '600'])
    expect(mode(join(dir, 'cache', 'mfbatch', 'history.jsonl'))).toBe('600')
    expect(readdirSync(join(dir, 'cache', 'mfbatch')).sort()).toEqual(['history.jsonl', 'submit.json'])
    expect(readPrivateFile(file)?.toString()).toBe('{}\n')
  })

  test('a folder of mine others can read (0755, as older versions made it) is closed to 0700; a 0644 file to 0600', () => {
    const folder = join(dir, 'c')
    mkdirSync(folder, {mode: 0o755})
    chmodSync(folder, 0o755)
    writeFileSync(join(folder, 'history.jsonl'), 'a\n', {mode: 0o644})
    appendPrivateFile(join(folder, 'history.jsonl'), 'b\n')
    expect([mode(folder), mode(join(folder, 'history.jsonl'))]).toEqual(['700', '600'])
    expect(readFileSync(join(folder, 'history.jsonl'), 'utf8')).toBe('a\nb\n')
  })

  test('a folder others can write is refused, for reading and writing, and left as it is', () => {
    const folder = join(dir, 'shared')
    mkdirSync(folder)
    chmodSync(folder, 0o1777)
    writeFileSync(join(folder, 'submit.json'), 'planted')
    const expected = `folder: ${folder}: it is writable by group or others (mode 1777)`
    expect(attempt(() => readPrivateFile(join(folder, 'submit.json')))).toBe(expected)
    expect(attempt(() => replacePrivateFile(join(folder, 'submit.json'), 'new'))).toBe(expected)
    expect(attempt(() => ensurePrivateDir(folder))).toBe(expected)
    expect([mode(folder), readFileSync(join(folder, 'submit.json'), 'utf8')]).toEqual(['1777', 'planted'])
  })

  test('a history that is a link: not read, not appended to, and the file it points to is unchanged', () => {
    writeFileSync(join(dir, 'elsewhere'), 'precious\n')
    const folder = join(dir, 'c')
    mkdirSync(folder, {mode: 0o700})
    symlinkSync(join(dir, 'elsewhere'), join(folder, 'history.jsonl'))
    const expected = `file: ${join(folder, 'history.jsonl')}: it is a symbolic link`
    expect(attempt(() => appendPrivateFile(join(folder, 'history.jsonl'), 'x\n'))).toBe(expected)
    expect(attempt(() => readPrivateFile(join(folder, 'history.jsonl')))).toBe(expected)
    expect(readFileSync(join(dir, 'elsewhere'), 'utf8')).toBe('precious\n')
  })

  test('a cache folder that is a link is refused', () => {
    mkdirSync(join(dir, 'real'), {mode: 0o700})
    symlinkSync(join(dir, 'real'), join(dir, 'c'))
    expect(attempt(() => replacePrivateFile(join(dir, 'c', 'submit.json'), '{}'))).toBe(
      `folder: ${join(dir, 'c')}: it is a symbolic link`,
    )
    expect(readdirSync(join(dir, 'real'))).toEqual([])
  })

  test('replacing a file renames a temporary file of a random name over it, a link included (never through it)', () => {
    writeFileSync(join(dir, 'elsewhere'), 'precious\n')
    const folder = join(dir, 'c')
    mkdirSync(folder, {mode: 0o700})
    symlinkSync(join(dir, 'elsewhere'), join(folder, 'submit.json'))
    expect(replacePrivateFile(join(folder, 'submit.json'), 'new\n')).toBe(true)
    expect(lstatSync(join(folder, 'submit.json')).isFile()).toBe(true)
    expect(readFileSync(join(dir, 'elsewhere'), 'utf8')).toBe('precious\n')
    expect(replacePrivateFile(join(folder, 'submit.json'), 'newer\n', () => false)).toBe(false)
    expect([readdirSync(folder), readFileSync(join(folder, 'submit.json'), 'utf8')]).toEqual([['submit.json'], 'new\n'])
  })

  asRoot("another user's file in my folder: not read; another user's folder: not used at all", () => {
    const folder = join(dir, 'c')
    mkdirSync(folder, {mode: 0o700})
    writeFileSync(join(folder, 'submit.json'), 'planted', {mode: 0o600})
    chownSync(join(folder, 'submit.json'), OTHER_UID, OTHER_UID)
    expect(attempt(() => readPrivateFile(join(folder, 'submit.json')))).toBe(
      `file: ${join(folder, 'submit.json')}: it belongs to user ${OTHER_UID}, not to you (${me})`,
    )
    const theirs = join(dir, 'theirs')
    mkdirSync(theirs, {mode: 0o755})
    chownSync(theirs, OTHER_UID, OTHER_UID)
    expect(attempt(() => appendPrivateFile(join(theirs, 'history.jsonl'), 'x\n'))).toBe(
      `folder: ${theirs}: it belongs to user ${OTHER_UID}, not to you (${me})`,
    )
    expect(readdirSync(theirs)).toEqual([])
  })

  asRoot("a link owned by another user in my folder is still a link: refused, whoever's it is", () => {
    const folder = join(dir, 'c')
    mkdirSync(folder, {mode: 0o700})
    writeFileSync(join(dir, 'elsewhere'), 'precious\n')
    symlinkSync(join(dir, 'elsewhere'), join(folder, 'history.jsonl'))
    lchownSync(join(folder, 'history.jsonl'), OTHER_UID, OTHER_UID)
    expect(attempt(() => appendPrivateFile(join(folder, 'history.jsonl'), 'x\n'))).toBe(
      `file: ${join(folder, 'history.jsonl')}: it is a symbolic link`,
    )
  })
})
