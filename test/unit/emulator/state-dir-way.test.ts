import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {checkWayTo} from '../../../src/emulator/state-dir'

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mfbatch-way-'))
})

afterEach(() => rmSync(root, {force: true, recursive: true}))

const why = (dir: string): string | undefined => {
  try {
    checkWayTo(dir)
    return undefined
  } catch (error) {
    return (error as Error).message.split(';')[0]
  }
}

describe('the way to a state dir', () => {
  test('directories of your own, and ones not made yet, pass', () => {
    mkdirSync(join(root, 'a', 'b'), {recursive: true})
    expect(why(join(root, 'a', 'b', 'state'))).toBeUndefined()
    expect(why(join(root, 'x', 'y', 'state'))).toBeUndefined()
  })

  test('a parent writable by others is refused unless sticky', () => {
    mkdirSync(join(root, 'open'))
    chmodSync(join(root, 'open'), 0o777)
    const state = join(root, 'open', 'state')
    expect(why(state)).toBe(
      `state dir ${state}: ${join(root, 'open')} is writable by group or others (mode 777) and not sticky`,
    )
    chmodSync(join(root, 'open'), 0o1777)
    expect(why(state)).toBeUndefined()
  })

  test('a symlink is followed and the way to its target checked too', () => {
    mkdirSync(join(root, 'open', 'state'), {recursive: true})
    chmodSync(join(root, 'open'), 0o775)
    symlinkSync(join(root, 'open', 'state'), join(root, 'link'))
    expect(why(join(root, 'link'))).toBe(
      `state dir ${join(root, 'link')}: ${join(root, 'open')} is writable by group or others (mode 775) and not sticky`,
    )
  })
})
