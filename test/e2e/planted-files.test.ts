/**
 * Nothing another local user plants runs as you: the built CLI, with files planted as a second local user would
 * (made with useradd when the tests run as root, as CI does; see test/helpers/other-user.ts) in the places mfbatch
 * looks: a config file above the working directory, V8's code cache, the history, oclif's user plugins.
 */
import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cacheFileOf} from '../../src/startup/code-cache'
import {removeStateDir, ROOT, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {type OtherUser, otherUser, withOtherUser} from '../helpers/other-user'

const BUNDLE = join(ROOT, 'dist', 'mfbatch.js')
const VERSION_LINE = /^mfbatch\/\d+\.\d+\.\d+ linux-\w+ node-v[\d.]+\n$/

let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'mfbatch-planted-'))
})
afterEach(() => rmSync(work, {force: true, recursive: true}))

/** Writes `file` as `user` would have: owned by them, with `mode`. */
function plant(file: string, content: string, user: OtherUser, mode = 0o644): void {
  writeFileSync(file, content)
  chmodSync(file, mode)
  chownSync(file, user.uid, user.gid)
}

/** A JavaScript line that leaves `marker` behind when it runs. */
const leavesMarker = (marker: string): string => `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`

const mode = (path: string): string => (lstatSync(path).mode % 0o1_0000).toString(8)

describe('a planted config file', () => {
  withOtherUser(
    'a mfbatch.config.js in a sticky world-writable folder above the cwd does not run; stderr names it',
    async (user) => {
      const shared = join(work, 'shared')
      mkdirSync(join(shared, 'mine', 'project'), {recursive: true})
      chmodSync(shared, 0o1777)
      const marker = join(work, 'marker')
      plant(join(shared, 'mfbatch.config.js'), `${leavesMarker(marker)}\nmodule.exports = {queue: 'planted'}\n`, user)
      // HOME is `work`, so the search ends there whatever the machine's /tmp holds.
      const result = await runCli(['config', '--json'], {cwd: join(shared, 'mine', 'project'), env: {HOME: work}})
      expect({...result, stdout: JSON.parse(result.stdout).settings.queue}).toEqual({
        code: 0,
        stderr:
          `mfbatch: warning: skipped config file ${shared}/mfbatch.config.js: its folder ${shared} is writable by ` +
          'group or others (mode 1777); to use the file, move it to a folder only you can write\n',
        stdout: {label: 'default', source: 'default', value: null},
      })
      expect(existsSync(marker)).toBe(false)
    },
  )

  withOtherUser("another user's .mfbatchrc.yaml in a parent folder is skipped, and named once", async (user) => {
    const project = join(work, 'project')
    mkdirSync(join(project, 'sub'), {recursive: true})
    const file = join(project, '.mfbatchrc.yaml')
    plant(
      file,
      'queue: planted\nprivileged: true\nhostVolumes: ["/:/host"]\niamRole: arn:aws:iam::666:role/theirs\n',
      user,
    )
    const result = await runCli(['config', '--json'], {cwd: join(project, 'sub'), env: {HOME: work}})
    const {settings} = JSON.parse(result.stdout) as {settings: Record<string, {source: string}>}
    expect({
      code: result.code,
      sources: [settings.queue.source, settings.privileged.source, settings.iamRole.source],
      stderr: result.stderr,
    }).toEqual({
      code: 0,
      sources: ['default', 'default', 'default'],
      stderr:
        `mfbatch: warning: skipped config file ${file}: it belongs to user ${user.uid}, not to you (0); ` +
        `if you trust it, make it yours (chown 0 ${file}) or move it away\n`,
    })
  })
})

/**
 * A cache file V8 accepts for dist/mfbatch.js (V8 checks only the source's length) that runs `code` instead: made
 * in a child process with a clean environment, so its V8 flags are those of the CLI's process.
 */
function plantCodeCache(v8Dir: string, code: string, user: OtherUser | undefined): string {
  const file = cacheFileOf(BUNDLE, v8Dir, 'version')
  const script = `
    const {Script} = require('node:vm'); const Module = require('node:module'); const fs = require('node:fs')
    const [bundle, file, code] = process.argv.slice(1)
    const length = Module.wrap(fs.readFileSync(bundle, 'latin1')).length
    const evil = Module.wrap(code)
    fs.writeFileSync(file, new Script(evil + ' '.repeat(length - evil.length), {filename: bundle}).createCachedData())`
  const made = spawnSync(process.execPath, ['-e', script, BUNDLE, file, code], {env: {PATH: process.env.PATH}})
  expect(made.stderr.toString()).toBe('')
  if (user) chownSync(file, user.uid, user.gid)
  return file
}

describe('a planted code cache', () => {
  withOtherUser("another user's cache folder with a .v8 file that would run code: not used", async (user) => {
    const cache = join(work, 'their-cache')
    mkdirSync(join(cache, 'v8'), {mode: 0o755, recursive: true})
    for (const dir of [cache, join(cache, 'v8')]) chownSync(dir, user.uid, user.gid)
    const marker = join(work, 'marker')
    plantCodeCache(join(cache, 'v8'), leavesMarker(marker), user)
    const result = await runCli(['version'], {env: {MFBATCH_CACHE_DIR: cache}})
    expect([result.code, result.stderr, existsSync(marker)]).toEqual([0, '', false])
    expect(result.stdout).toMatch(VERSION_LINE)
  })

  withOtherUser("another user's .v8 file in my cache folder: not used, and replaced by my own", async (user) => {
    const cache = join(work, 'cache')
    mkdirSync(join(cache, 'v8'), {mode: 0o700, recursive: true})
    const marker = join(work, 'marker')
    const file = plantCodeCache(join(cache, 'v8'), leavesMarker(marker), user)
    const result = await runCli(['version'], {env: {MFBATCH_CACHE_DIR: cache}})
    expect([result.code, result.stderr, existsSync(marker)]).toEqual([0, '', false])
    expect([lstatSync(file).uid, mode(file)]).toEqual([0, '600'])
  })
})

describe('the history and the submit cache', () => {
  let emulator: TestEmulator
  beforeAll(async () => {
    emulator = await startEmulator()
  })
  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  const submit = (cache: string) =>
    runCli(['submit', '--queue', 'local', '--name', 'planted', '--quiet', '--', 'true'], {
      env: {...emulator.env, MFBATCH_CACHE_DIR: cache},
    })

  test('history.jsonl as a link to another file: that file is not appended to; stderr says what to do', async () => {
    const cache = join(work, 'cache')
    mkdirSync(cache, {mode: 0o700})
    const precious = join(work, 'precious')
    writeFileSync(precious, 'precious\n')
    const history = join(cache, 'history.jsonl')
    symlinkSync(precious, history)
    // Planted by the other user where there is one; a link is refused whoever made it.
    if (otherUser) lchownSync(history, otherUser.uid, otherUser.gid)
    const result = await submit(cache)
    expect({...result, stdout: ''}).toEqual({
      code: 0,
      stderr:
        `mfbatch: warning: not using the recent-jobs history ${history}: it is a symbolic link; ` +
        `remove it (rm ${history}) and mfbatch starts a new one\n`,
      stdout: '',
    })
    expect(result.stdout).toMatch(/^[\da-f-]{36}\n$/)
    expect(readFileSync(precious, 'utf8')).toBe('precious\n')
    expect(lstatSync(history).isSymbolicLink()).toBe(true)
  })

  test('a new cache folder is 0700 and its files (submit.json, history.jsonl) 0600', async () => {
    const cache = join(work, 'new', 'cache')
    const result = await submit(cache)
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect([cache, join(cache, 'submit.json'), join(cache, 'history.jsonl')].map((path) => mode(path))).toEqual([
      '700',
      '600',
      '600',
    ])
  })
})

describe('oclif plugins from the data folder', () => {
  test('a linked or user plugin in $XDG_DATA_HOME/mfbatch/package.json: its init hook does not run', async () => {
    const marker = join(work, 'marker')
    const data = join(work, 'data')
    const plugin = (root: string, name: string) => {
      mkdirSync(root, {recursive: true})
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({name, oclif: {hooks: {init: './init.js'}}, version: '1.0.0'}),
      )
      writeFileSync(join(root, 'init.js'), `module.exports = async () => { ${leavesMarker(`${marker}-${name}`)} }\n`)
    }

    plugin(join(work, 'linked'), 'planted-link')
    plugin(join(data, 'mfbatch', 'node_modules', 'planted-user'), 'planted-user')
    const plugins = [
      {name: 'planted-link', root: join(work, 'linked'), type: 'link'},
      {name: 'planted-user', type: 'user'},
    ]
    writeFileSync(
      join(data, 'mfbatch', 'package.json'),
      JSON.stringify({dependencies: {'planted-user': '1.0.0'}, oclif: {plugins, schema: 1}, private: true}),
    )
    if (otherUser) {
      for (const path of [data, join(data, 'mfbatch'), join(data, 'mfbatch', 'package.json')]) {
        chownSync(path, otherUser.uid, otherUser.gid)
      }
    }

    const result = await runCli(['version'], {env: {XDG_DATA_HOME: data}})
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(result.stdout).toMatch(VERSION_LINE)
    expect([existsSync(`${marker}-planted-link`), existsSync(`${marker}-planted-user`)]).toEqual([false, false])
  })
})
