import {PassThrough} from 'node:stream'

import {guardBrokenPipe, writeLines} from '../../../src/output/pipe'

describe('guardBrokenPipe', () => {
  test('EPIPE on the stream exits 0', () => {
    const stream = new PassThrough()
    const exit = jest.fn()
    guardBrokenPipe(stream, exit)
    stream.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    expect(exit).toHaveBeenCalledWith(0)
  })

  test('other stream errors are not swallowed', () => {
    const stream = new PassThrough()
    const exit = jest.fn()
    guardBrokenPipe(stream, exit)
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), {code: 'ENOSPC'}))).toThrow('disk full')
    expect(exit).not.toHaveBeenCalled()
  })

  test('guarding twice adds one listener', () => {
    const stream = new PassThrough()
    guardBrokenPipe(stream, jest.fn())
    guardBrokenPipe(stream, jest.fn())
    expect(stream.listenerCount('error')).toBe(1)
  })
})

describe('writeLines', () => {
  test('writeLines writes each line with a newline, and nothing for no lines', () => {
    const stream = new PassThrough()
    writeLines([], stream)
    writeLines(['a', 'b'], stream)
    expect(stream.read()?.toString()).toBe('a\nb\n')
  })
})
