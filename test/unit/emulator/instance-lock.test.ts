import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readInstance, StateDirBusyError, takeInstanceLock} from '../../../src/emulator/instance-lock'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-lock-'))
})

afterEach(() => rmSync(dir, {force: true, recursive: true}))

const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}).stdout)

describe('the state dir lock', () => {
  test('taken, updated with the port, read back, released', () => {
    const lock = takeInstanceLock(dir)
    expect(readInstance(dir)).toMatchObject({pid: process.pid, stateDir: dir})
    lock.update({capacity: {memoryMiB: 1024, vcpus: 2}, port: 4600})
    expect(readInstance(dir)).toMatchObject({capacity: {memoryMiB: 1024, vcpus: 2}, pid: process.pid, port: 4600})
    lock.release()
    expect(readInstance(dir)).toBeUndefined()
    expect(readdirSync(dir)).toEqual([])
  })

  test('a second taker is refused with the holder named, and the lock is left as it was', () => {
    const lock = takeInstanceLock(dir)
    lock.update({port: 4600})
    const before = readFileSync(join(dir, 'emulator.lock'), 'utf8')
    let thrown: unknown
    try {
      takeInstanceLock(dir)
    } catch (error) {
      thrown = error
    }

    expect(thrown).toBeInstanceOf(StateDirBusyError)
    expect((thrown as Error).message).toBe(
      `the emulator of ${dir} is already running (pid ${process.pid}, port 4600); nothing was changed. Use that ` +
        'one, stop it first (mfbatch emulator stop, or Ctrl-C where it runs in the foreground), or give this one ' +
        'another --state-dir',
    )
    expect(readFileSync(join(dir, 'emulator.lock'), 'utf8')).toBe(before)
    lock.release()
  })

  test('a lock whose process is gone, or whose pid now names another process, is taken over', () => {
    for (const stale of [
      {pid: deadPid(), stateDir: dir},
      {pid: process.pid, pidStartTime: '1', stateDir: dir},
      'not json',
    ]) {
      writeFileSync(join(dir, 'emulator.lock'), typeof stale === 'string' ? stale : JSON.stringify(stale))
      expect(readInstance(dir)).toBeUndefined()
      const lock = takeInstanceLock(dir)
      expect(readInstance(dir)?.pid).toBe(process.pid)
      lock.release()
      expect(readdirSync(dir)).toEqual([])
    }
  })

  test('release leaves a lock that is no longer ours', () => {
    const lock = takeInstanceLock(dir)
    const other = JSON.stringify({pid: process.pid, pidStartTime: 'other', stateDir: dir})
    writeFileSync(join(dir, 'emulator.lock'), other)
    lock.release()
    expect(readFileSync(join(dir, 'emulator.lock'), 'utf8')).toBe(other)
  })
})
