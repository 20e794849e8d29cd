/**
 * The upward config searches on real folders: a project file or a `.metaflow` folder another user could have written
 * (a folder or file not the user's or root's, or writable by others, a sticky world-writable folder included) is
 * skipped and named, and the search goes on; the searches stop at the home directory or the repository root. The
 * rows that chown to another uid need root (CI runs as root); elsewhere they are skipped and say why.
 */
import {chmodSync, chownSync, existsSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {loadSettingsSources} from '../../../src/config/load'
import {removeTrees, tree} from './tree'

afterEach(removeTrees)

const OTHER_UID = 4242
const isRoot = process.getuid?.() === 0
if (!isRoot) console.warn('trusted-search.test.ts: not root, so the rows that chown to another user are skipped')
const asRoot = isRoot ? test : test.skip
const me = process.getuid!()
const Q = 'METAFLOW_BATCH_JOB_QUEUE'
const STICKY_SHARED = 'writable by group or others (mode 1777); to use the file, move it to a folder only you can write'

/** The sources found from `cwd` and the lines about skipped files. */
async function search(root: string, cwd: string, home = 'home') {
  const skipped: string[] = []
  mkdirSync(path.join(root, home), {recursive: true})
  const sources = await loadSettingsSources({
    cwd: path.join(root, cwd),
    env: {},
    home: path.join(root, home),
    skipped: (line) => skipped.push(line),
  })
  return {local: sources.metaflowLocal, project: sources.projectConfig, skipped}
}

describe('project config files another user could have written', () => {
  test('in a sticky world-writable folder above the cwd: skipped and named; the search goes on upward', async () => {
    const root = tree({
      'outer/.mfbatchrc.json': {queue: 'outer'},
      'outer/shared/.mfbatchrc.yaml': 'queue: planted\nprivileged: true\n',
      'outer/shared/mine/sub/': null,
    })
    chmodSync(path.join(root, 'outer/shared'), 0o1777)
    expect(await search(root, 'outer/shared/mine/sub')).toEqual({
      local: null,
      project: {config: {queue: 'outer'}, filepath: `${root}/outer/.mfbatchrc.json`},
      skipped: [
        `skipped config file ${root}/outer/shared/.mfbatchrc.yaml: its folder ${root}/outer/shared is ${STICKY_SHARED}`,
      ],
    })
  })

  test('a mfbatch.config.js there does not run', async () => {
    const marker = path.join(tree({}), 'ran')
    const root = tree({
      'shared/a/b/': null,
      'shared/mfbatch.config.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = {}`,
    })
    chmodSync(path.join(root, 'shared'), 0o1777)
    const found = await search(root, 'shared/a/b')
    expect([found.project, found.skipped, existsSync(marker)]).toEqual([
      null,
      [`skipped config file ${root}/shared/mfbatch.config.js: its folder ${root}/shared is ${STICKY_SHARED}`],
      false,
    ])
  })

  test('a file others can write, in a folder of mine: skipped, with the chmod that would make it trusted', async () => {
    const root = tree({'project/.mfbatchrc.json': {queue: 'q'}})
    chmodSync(path.join(root, 'project/.mfbatchrc.json'), 0o666)
    const file = `${root}/project/.mfbatchrc.json`
    expect(await search(root, 'project')).toEqual({
      local: null,
      project: null,
      skipped: [
        `skipped config file ${file}: it is writable by group or others (mode 666); if you trust it, run chmod go-w ${file}`,
      ],
    })
  })

  asRoot("another user's .mfbatchrc.yaml in a parent folder of mine: skipped and named", async () => {
    const root = tree({'project/.mfbatchrc.yaml': 'queue: planted\n', 'project/sub/': null})
    const file = `${root}/project/.mfbatchrc.yaml`
    chownSync(file, OTHER_UID, OTHER_UID)
    expect(await search(root, 'project/sub')).toEqual({
      local: null,
      project: null,
      skipped: [
        `skipped config file ${file}: it belongs to user ${OTHER_UID}, not to you (${me}); if you trust it, make it yours (chown ${me} ${file}) or move it away`,
      ],
    })
  })

  asRoot("a file of mine in another user's folder: skipped (they could replace it at any time)", async () => {
    const root = tree({'theirs/.mfbatchrc.json': {queue: 'q'}})
    chownSync(path.join(root, 'theirs'), OTHER_UID, OTHER_UID)
    expect((await search(root, 'theirs')).skipped).toEqual([
      `skipped config file ${root}/theirs/.mfbatchrc.json: its folder ${root}/theirs belongs to user ${OTHER_UID}, not to you (${me}); to use the file, move it to a folder only you can write`,
    ])
  })
})

describe('package.json', () => {
  test('a package.json without an "mfbatch" key is no config file: not named, even in a folder others can write', async () => {
    const root = tree({'shared/package.json': {bin: {mfbatch: './bin/run.js'}, name: 'mfbatch'}, 'shared/sub/': null})
    chmodSync(path.join(root, 'shared'), 0o1777)
    expect(await search(root, 'shared/sub')).toEqual({local: null, project: null, skipped: []})
  })
})

describe('where the upward search stops', () => {
  test('at the home directory: a file in it is read, one above it is not', async () => {
    const root = tree({'.mfbatchrc.json': {queue: 'above'}, 'home/proj/': null})
    expect((await search(root, 'home/proj')).project).toBeNull()
    writeFileSync(path.join(root, 'home/.mfbatchrc.json'), '{"queue": "home"}')
    expect((await search(root, 'home/proj')).project).toEqual({
      config: {queue: 'home'},
      filepath: `${root}/home/.mfbatchrc.json`,
    })
  })

  test.each([
    ['a .git folder', 'repo/.git/'],
    ['a .git file (a worktree)', 'repo/.git'],
  ])('at the repository root (%s): the files above it are not read', async (_, git) => {
    const root = tree({
      '.metaflow/config.json': {[Q]: 'above'},
      '.mfbatchrc.json': {queue: 'above'},
      [git]: git.endsWith('/') ? null : 'gitdir: /elsewhere\n',
      'repo/src/': null,
    })
    expect(await search(root, 'repo/src')).toEqual({local: null, project: null, skipped: []})
  })
})

describe('Metaflow local config (.metaflow) follows the same rule', () => {
  test('a .metaflow in a sticky world-writable folder is passed over and named; the next one up decides', async () => {
    const root = tree({
      'outer/.metaflow/config.json': {[Q]: 'outer-q'},
      'outer/shared/.metaflow/config.json': {[Q]: 'planted-q'},
      'outer/shared/mine/': null,
    })
    chmodSync(path.join(root, 'outer/shared'), 0o1777)
    expect(await search(root, 'outer/shared/mine')).toEqual({
      local: {config: {[Q]: 'outer-q'}, filepath: `${root}/outer/.metaflow/config.json`},
      project: null,
      skipped: [
        `skipped Metaflow config ${root}/outer/shared/.metaflow/config.json: its folder ${root}/outer/shared is ${STICKY_SHARED}`,
      ],
    })
  })

  asRoot("another user's .metaflow folder, or config.json in my .metaflow: skipped and named", async () => {
    const root = tree({
      'a/.metaflow/config.json': {[Q]: 'planted-q'},
      'b/.metaflow/config.json': {[Q]: 'planted-q'},
    })
    chownSync(path.join(root, 'a/.metaflow'), OTHER_UID, OTHER_UID)
    chownSync(path.join(root, 'b/.metaflow/config.json'), OTHER_UID, OTHER_UID)
    const a = await search(root, 'a')
    const b = await search(root, 'b')
    expect([a.local, a.skipped, b.local, b.skipped]).toEqual([
      null,
      [
        `skipped Metaflow config ${root}/a/.metaflow/config.json: its folder ${root}/a/.metaflow belongs to user ${OTHER_UID}, not to you (${me}); to use the file, move it to a folder only you can write`,
      ],
      null,
      [
        `skipped Metaflow config ${root}/b/.metaflow/config.json: it belongs to user ${OTHER_UID}, not to you (${me}); if you trust it, make it yours (chown ${me} ${root}/b/.metaflow/config.json) or move it away`,
      ],
    ])
  })

  test('an untrusted .metaflow without a config.json is passed over without a word', async () => {
    const root = tree({'shared/.metaflow/': null, 'shared/mine/': null})
    chmodSync(path.join(root, 'shared'), 0o1777)
    expect(await search(root, 'shared/mine')).toEqual({local: null, project: null, skipped: []})
  })
})
