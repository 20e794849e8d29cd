import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readStopRecord, STOP_RECORD_FILE, stoppedJobsText, writeStopRecord} from '../../../src/emulator/stop-record'

describe('the stop record', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-stop-record-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  test("read back by the pid that wrote it; another pid's record is not this stop's", () => {
    writeStopRecord(dir, {pid: 1234, stoppedJobs: 3})
    expect(readStopRecord(dir, 1234)).toEqual({pid: 1234, stoppedJobs: 3})
    expect(readStopRecord(dir, 999)).toBeUndefined()
  })

  test('none, or a torn file: unknown, not an error', () => {
    expect(readStopRecord(dir, 1234)).toBeUndefined()
    writeFileSync(join(dir, STOP_RECORD_FILE), '{"pid": 12')
    expect(readStopRecord(dir, 1234)).toBeUndefined()
  })

  test.each([
    [0, ', which was running no job'],
    [1, ' and the job it was running'],
    [4, ' and the 4 jobs it was running'],
  ])('%d stopped jobs read "%s"', (count, text) => {
    expect(stoppedJobsText(count)).toBe(text)
  })
})
