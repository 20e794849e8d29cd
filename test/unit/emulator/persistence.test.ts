/**
 * The state dir's primitives: atomic whole-file writes, the append-only journal, and a log stream's event file.
 * What matters is what a crash leaves behind: a torn last line is cut off, everything before it loads.
 */
import {spawn} from 'node:child_process'
import {appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {StreamFile} from '../../../src/emulator/logs/stream-file'
import {readJson, writeJsonAtomic} from '../../../src/emulator/persistence/atomic'
import {Journal, readJournal} from '../../../src/emulator/persistence/journal'

let dir: string

describe('persistence primitives', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-persist-'))
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  describe('writeJsonAtomic', () => {
    test('writes the whole value and leaves no temporary file', () => {
      const file = join(dir, 'sub', 'state.json')
      writeJsonAtomic(file, {a: 1})
      writeJsonAtomic(file, {a: 2, b: [1, 2]})
      expect(readFileSync(file, 'utf8')).toBe('{"a":2,"b":[1,2]}\n')
      expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json'])
    })

    test('readJson gives the fallback for a missing file', () => {
      expect(readJson(join(dir, 'none.json'), {empty: true})).toEqual({empty: true})
    })
  })

  describe('Journal', () => {
    test('appends records as lines and reads them back', () => {
      const journal = new Journal(join(dir, 'j.ndjson'))
      expect(journal.append({n: 1})).toBe(0)
      expect(journal.append({n: 2})).toBe(8)
      journal.close()
      expect(readFileSync(journal.path, 'utf8')).toBe('{"n":1}\n{"n":2}\n')
      expect(readJournal(journal.path)).toEqual({records: [{n: 1}, {n: 2}], skipped: 0, torn: false})
    })

    test('a torn last line is skipped when read, and cut off when the journal is opened again', () => {
      const path = join(dir, 'j.ndjson')
      writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":')
      expect(readJournal(path)).toEqual({records: [{n: 1}, {n: 2}], skipped: 0, torn: true})
      const journal = new Journal(path)
      expect(journal.size).toBe(16)
      journal.append({n: 3})
      journal.close()
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
    })

    test('a file that is all torn line opens as empty', () => {
      const path = join(dir, 'j.ndjson')
      writeFileSync(path, '{"n":1')
      const journal = new Journal(path)
      journal.append({n: 2})
      journal.close()
      expect(readFileSync(path, 'utf8')).toBe('{"n":2}\n')
    })

    test('a garbled complete line is skipped and counted, the rest loads', () => {
      const path = join(dir, 'j.ndjson')
      writeFileSync(path, '{"n":1}\nnot json\n{"n":3}\n')
      expect(readJournal(path)).toEqual({records: [{n: 1}, {n: 3}], skipped: 1, torn: false})
    })

    test('a missing journal reads as empty', () => {
      expect(readJournal(join(dir, 'none.ndjson'))).toEqual({records: [], skipped: 0, torn: false})
    })
  })

  describe('StreamFile', () => {
    test('appends, indexes and reads back events by position', () => {
      const file = new StreamFile(join(dir, 's.ndjson'))
      expect(file.append([ev(10, 'a'), ev(11, 'b "quoted"\nnewline')])).toBe(0)
      expect(file.append([ev(12, 'ünïcödé ✓')])).toBe(2)
      expect(file.count).toBe(3)
      expect(file.read([0, 1, 2])).toEqual([ev(10, 'a'), ev(11, 'b "quoted"\nnewline'), ev(12, 'ünïcödé ✓')])
      expect(file.read([2])).toEqual([ev(12, 'ünïcödé ✓')])
      expect([file.firstTimestamp, file.lastTimestamp, file.lastIngestionTime, file.sorted]).toEqual([
        10,
        12,
        1012,
        true,
      ])
      file.close()
    })

    test('a reopened file rebuilds the same index from disk', () => {
      const path = join(dir, 's.ndjson')
      const file = new StreamFile(path)
      file.append(Array.from({length: 1000}, (_, i) => ev(i, `line ${i}`)))
      file.close()
      const again = new StreamFile(path)
      expect(again.count).toBe(1000)
      expect(again.read([0, 500, 999])).toEqual([ev(0, 'line 0'), ev(500, 'line 500'), ev(999, 'line 999')])
      expect(again.size(0)).toBe(file.size(0))
      again.close()
    })

    test('reading keeps no file open; appending opens it until closed', () => {
      const path = join(dir, 's.ndjson')
      writeFileSync(path, '[1,1001,"one"]\n')
      const file = new StreamFile(path)
      expect([file.count, file.read([0]), file.isOpen]).toEqual([1, [ev(1, 'one')], false])
      file.append([ev(2, 'two')])
      expect(file.isOpen).toBe(true)
      file.close()
      expect(file.isOpen).toBe(false)
    })

    test('an event older than the one before marks the stream unsorted', () => {
      const file = new StreamFile(join(dir, 's.ndjson'))
      file.append([ev(10, 'a'), ev(5, 'b')])
      expect([file.sorted, file.firstTimestamp, file.lastTimestamp]).toEqual([false, 5, 10])
      file.close()
    })

    test('a torn last event is dropped on load and the next append starts clean', () => {
      const path = join(dir, 's.ndjson')
      const file = new StreamFile(path)
      file.append([ev(1, 'one'), ev(2, 'two')])
      file.close()
      appendFileSync(path, '[3,1003,"thr')
      const again = new StreamFile(path)
      expect(again.count).toBe(2)
      again.append([ev(4, 'four')])
      expect(again.read([0, 1, 2])).toEqual([ev(1, 'one'), ev(2, 'two'), ev(4, 'four')])
      again.close()
      expect(readFileSync(path, 'utf8')).toBe('[1,1001,"one"]\n[2,1002,"two"]\n[4,1004,"four"]\n')
    })

    test('kill -9 in the middle of heavy writing leaves a file that loads', async () => {
      const path = join(dir, 'heavy.ndjson')
      const writer = spawn(
        process.execPath,
        [
          '-r',
          'tsx/cjs',
          '-e',
          `const {StreamFile} = require(${JSON.stringify(resolve(__dirname, '../../../src/emulator/logs/stream-file.ts'))})
         const file = new StreamFile(${JSON.stringify(path)})
         let n = 0
         process.stdout.write('ready\\n')
         for (;;) {
           const batch = []
           for (let i = 0; i < 100; i++, n++) batch.push({ingestionTime: n, message: 'x'.repeat(n % 300) + ' line ' + n, timestamp: n})
           file.append(batch)
         }`,
        ],
        {cwd: resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit']},
      )
      await new Promise<void>((done) => {
        writer.stdout.once('data', () => done())
      })
      // Let it write a few megabytes, then kill it without warning.
      while (!exists(path) || statSync(path).size < 4_000_000) {
        // eslint-disable-next-line no-await-in-loop -- polling a file another process writes
        await new Promise((done) => {
          setTimeout(done, 20)
        })
      }

      writer.kill('SIGKILL')
      await new Promise((done) => {
        writer.once('exit', done)
      })
      const file = new StreamFile(path)
      const {count} = file
      expect(count).toBeGreaterThan(10_000)
      const last = file.read([count - 1])[0]
      expect(last).toEqual({
        ingestionTime: count - 1,
        message: `${'x'.repeat((count - 1) % 300)} line ${count - 1}`,
        timestamp: count - 1,
      })
      expect(file.read([0, 1])).toEqual([
        {ingestionTime: 0, message: ' line 0', timestamp: 0},
        {ingestionTime: 1, message: 'x line 1', timestamp: 1},
      ])
      file.close()
    })
  })
})

function ev(timestamp: number, message: string) {
  return {ingestionTime: timestamp + 1000, message, timestamp}
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}
