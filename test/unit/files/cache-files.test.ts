/**
 * The history and the submit cache over cache folders and files another user could have written: not used, and one
 * line said once (through src/files/notices.ts, which the command layer prints on stderr) naming the path, why, and
 * what to do. The chown rows need root, as CI runs; elsewhere they are skipped and say why.
 */
import {chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {HistoryStore} from '../../../src/batch/history/store'
import {cacheScope, SubmitCache} from '../../../src/batch/submit/cache'
import {listenToNotices} from '../../../src/files/notices'
import {modeText} from '../../../src/files/trusted-path'

const OTHER_UID = 4242
const isRoot = process.getuid?.() === 0
if (!isRoot) console.warn('cache-files.test.ts: not root, so the rows that chown to another user are skipped')
const asRoot = isRoot ? test : test.skip
const me = process.getuid!()
const NOW = 1_800_000_000_000
const SCOPE = cacheScope({endpoint: 'http://127.0.0.1:4589', region: 'us-east-1'})
const entry = {at: NOW, endpoint: 'aws', id: 'job-1', name: 'n', queue: 'q', region: 'us-east-1'}

const said: string[] = []
listenToNotices((line) => said.push(line))

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-cache-files-'))
  said.length = 0
})
afterEach(() => rmSync(dir, {force: true, recursive: true}))

describe('an untrusted cache folder', () => {
  test('sticky and world-writable (a /tmp): not used by the history or the submit cache; one line, said once', () => {
    const shared = join(dir, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    const history = new HistoryStore(shared)
    history.append(entry)
    expect(history.read()).toEqual([])
    const cache = new SubmitCache(join(shared, 'submit.json'), SCOPE, () => NOW)
    cache.remember({queue: {asked: 'q', platform: 'EC2', queue: 'q'}})
    expect(said).toEqual([
      `not using the cache folder ${shared}: it is writable by group or others (mode 1777); set MFBATCH_CACHE_DIR to a folder of your own`,
    ])
  })

  test('a folder of mine that my group can write (umask 002): the chmod that fixes it', () => {
    const folder = join(dir, 'cache')
    mkdirSync(folder)
    chmodSync(folder, 0o775)
    new HistoryStore(folder).append(entry)
    expect(said).toEqual([
      `not using the cache folder ${folder}: it is writable by group or others (mode 775); run chmod 700 ${folder}, or set MFBATCH_CACHE_DIR to a folder of your own`,
    ])
  })

  asRoot("another user's folder: the history is neither read nor written", () => {
    const theirs = join(dir, 'theirs')
    mkdirSync(theirs, {mode: 0o700})
    writeFileSync(join(theirs, 'history.jsonl'), `${JSON.stringify(entry)}\n`)
    chownSync(theirs, OTHER_UID, OTHER_UID)
    const history = new HistoryStore(theirs)
    expect(history.read()).toEqual([])
    history.append({...entry, id: 'job-2'})
    expect(readFileSync(join(theirs, 'history.jsonl'), 'utf8')).toBe(`${JSON.stringify(entry)}\n`)
    expect(said).toEqual([
      `not using the cache folder ${theirs}: it belongs to user ${OTHER_UID}, not to you (${me}); set MFBATCH_CACHE_DIR to a folder of your own`,
    ])
  })
})

describe('an untrusted file in my cache folder', () => {
  asRoot("another user's submit.json: its entries are not used; a save replaces it with mine, 0600", () => {
    const file = join(dir, 'submit.json')
    const planted = {
      definitions: {},
      queues: {[`${SCOPE}/q`]: {at: NOW, platform: 'FARGATE', queue: 'theirs'}},
      version: 1,
    }
    writeFileSync(file, JSON.stringify(planted), {mode: 0o644})
    chownSync(file, OTHER_UID, OTHER_UID)
    const cache = new SubmitCache(file, SCOPE, () => NOW)
    expect(cache.queue('q')).toBeUndefined()
    expect(said).toEqual([
      `not using the submit cache ${file}: it belongs to user ${OTHER_UID}, not to you (${me}); remove it (rm ${file}) and mfbatch starts a new one`,
    ])
    cache.remember({queue: {asked: 'q', platform: 'EC2', queue: 'q'}})
    expect(new SubmitCache(file, SCOPE, () => NOW).queue('q')).toEqual({at: NOW, platform: 'EC2', queue: 'q'})
    expect([lstatSync(file).uid, modeText(lstatSync(file).mode)]).toEqual([me, '600'])
  })

  test('a history others can write: not used; the chmod that fixes it', () => {
    const file = join(dir, 'history.jsonl')
    writeFileSync(file, `${JSON.stringify(entry)}\n`)
    chmodSync(file, 0o666)
    expect(new HistoryStore(dir).read()).toEqual([])
    expect(said).toEqual([
      `not using the recent-jobs history ${file}: it is writable by group or others (mode 666); run chmod 600 ${file}`,
    ])
  })
})
