import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import {attemptDirPrefix, attemptDirs} from '../../../../../src/emulator/batch/engine/workdir'

describe('attempt folders', () => {
  let parent: string

  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-workdir-'))
  })

  afterEach(() => fs.rmSync(parent, {force: true, recursive: true}))

  test('are private, named after the state dir, and outside it', () => {
    const dir = attemptDirs('/var/state', parent).make()
    expect(path.dirname(dir)).toBe(parent)
    expect(path.basename(dir).startsWith(attemptDirPrefix('/var/state'))).toBe(true)
    expect(attemptDirPrefix('/var/state')).toMatch(/^mfbatch-attempt-[\da-f]{12}-$/)
    // eslint-disable-next-line no-bitwise -- permission bits
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
  })

  test("an emulator at start removes its own leftovers only: not another state dir's, not a link, not a file", () => {
    const mine = attemptDirs('/var/state', parent)
    const leftover = mine.make()
    fs.writeFileSync(path.join(leftover, 'output'), 'x')
    const other = attemptDirs('/var/other', parent).make()
    const target = fs.mkdtempSync(path.join(parent, 'target-'))
    const link = path.join(parent, `${attemptDirPrefix('/var/state')}link00`)
    fs.symlinkSync(target, link)
    const file = path.join(parent, `${attemptDirPrefix('/var/state')}file00`)
    fs.writeFileSync(file, '')
    mine.clean()
    expect(fs.readdirSync(parent).sort()).toEqual(
      [path.basename(other), path.basename(target), path.basename(link), path.basename(file)].sort(),
    )
  })
})
