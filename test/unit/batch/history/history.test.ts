import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  formatEntry,
  type HistoryEntry,
  parseHistory,
  recentAt,
  trimmed,
  whereCallsGo,
} from '../../../../src/batch/history/history'
import {recentIndex, recentJobsAt} from '../../../../src/batch/history/recent'
import {HistoryStore} from '../../../../src/batch/history/store'

const here = {endpoint: 'http://127.0.0.1:4000', region: 'us-east-1'}
const entry = (id: string, at: number, where = here): HistoryEntry => ({...where, at, id, name: `n-${id}`, queue: 'q'})

describe('recentIndex', () => {
  test.each([
    ['last', 0],
    ['LAST', 0],
    ['last~0', 0],
    ['last~3', 3],
    [' last~12 ', 12],
    ['last~', undefined],
    ['last-1', undefined],
    ['lastly', undefined],
    ['last~1234', undefined],
  ])('%j -> %j', (value, expected) => {
    expect(recentIndex(value)).toBe(expected)
  })
})

const local = (flag: boolean) => ({
  emulator: () => ({port: 4589, stateDir: '/home/u/.local/share/mfbatch/emulator'}),
  flag,
})

describe('whereCallsGo', () => {
  const emulator = {endpoint: 'emulator:/home/u/.local/share/mfbatch/emulator', region: ''}
  test.each([
    [{}, {}, {endpoint: 'aws', region: ''}],
    [{}, {AWS_REGION: 'eu-west-1'}, {endpoint: 'aws', region: 'eu-west-1'}],
    [{}, {AWS_ENDPOINT_URL: 'http://x:1/'}, {endpoint: 'http://x:1', region: ''}],
    [{}, {AWS_ENDPOINT_URL: 'HTTP://X:80//'}, {endpoint: 'http://x', region: ''}],
    [{}, {AWS_ENDPOINT_URL: 'http://x:1', AWS_ENDPOINT_URL_BATCH: 'http://b:2'}, {endpoint: 'http://b:2', region: ''}],
    // The local emulator however it is reached, in any region: its key is its state dir.
    [{}, {AWS_ENDPOINT_URL: 'http://127.0.0.1:4589', AWS_REGION: 'us-east-1'}, emulator],
    [{}, {AWS_ENDPOINT_URL: 'http://localhost:4589/', AWS_REGION: 'eu-west-1'}, emulator],
    [
      {},
      {AWS_ENDPOINT_URL: 'http://127.0.0.1:4590', AWS_REGION: 'us-east-1'},
      {endpoint: 'http://127.0.0.1:4590', region: 'us-east-1'},
    ],
  ])('settings %j env %j', (settings, env, expected) => {
    expect(whereCallsGo(settings, local(false), env)).toEqual(expected)
  })

  test('--local names the emulator by its state dir, whatever the region', () => {
    expect(whereCallsGo({}, local(true), {AWS_REGION: 'us-east-1'})).toEqual(emulator)
    expect(whereCallsGo({}, local(true), {})).toEqual(emulator)
  })
})

describe('history lines', () => {
  test('round trip; torn and foreign lines are skipped', () => {
    const a = entry('a', 1)
    const text = `${formatEntry(a)}{"id":"b","at":2\n[1,2]\n${formatEntry(entry('c', 3))}`
    expect(parseHistory(text)).toEqual([a, entry('c', 3)])
  })

  test('recentAt: this endpoint and region only, newest first, each id once', () => {
    const elsewhere = {endpoint: 'aws', region: 'us-east-1'}
    const entries = [entry('a', 1), entry('b', 3), entry('x', 4, elsewhere), entry('a', 5), entry('c', 2)]
    expect(recentAt(entries, here).map((e) => e.id)).toEqual(['a', 'b', 'c'])
  })

  test('trimmed keeps the newest lines', () => {
    expect(trimmed('1\n2\n3\n4\n', 2)).toBe('3\n4\n')
    expect(trimmed('1\n2\n', 5)).toBe('1\n2\n')
  })

  test('a reference past the history names the value and what is remembered', () => {
    const {resolve} = recentJobsAt([entry('a', 1), entry('b', 2)], here)
    expect(resolve(0, 'JOB', 'last')).toBe('b')
    expect(resolve(1, 'JOB', 'last~1')).toBe('a')
    expect(() => resolve(2, 'JOB', 'last~2')).toThrow(
      'JOB: "last~2" is not allowed; only 2 jobs are remembered for http://127.0.0.1:4000 (us-east-1); give a job id',
    )
  })
})

describe('HistoryStore', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-history-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  test('appends, and trims to the bound once the file holds twice as many', () => {
    const store = new HistoryStore(dir, 3)
    for (let i = 1; i <= 6; i++) store.append(entry(String(i), i))
    expect(store.read().map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6'])
    store.append(entry('7', 7))
    expect(store.read().map((e) => e.id)).toEqual(['5', '6', '7'])
  })

  test('a lock held by another trimmer leaves the file long rather than racing it', () => {
    const store = new HistoryStore(dir, 1)
    writeFileSync(`${store.file}.lock`, '')
    for (let i = 1; i <= 3; i++) store.append(entry(String(i), i))
    expect(readFileSync(store.file, 'utf8').trim().split('\n')).toHaveLength(3)
  })

  test('a directory that cannot be written is no history, not an error', () => {
    const store = new HistoryStore(join(dir, 'file', 'below'))
    writeFileSync(join(dir, 'file'), '')
    expect(() => store.append(entry('a', 1))).not.toThrow()
    expect(store.read()).toEqual([])
  })
})
