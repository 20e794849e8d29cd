import {colorEnabled, palette, stripAnsi} from '../../../src/output/color'

describe('colorEnabled', () => {
  const tty = {isTTY: true}
  const pipe = {isTTY: false}
  test.each([
    ['a terminal', {}, tty, true],
    ['a pipe', {}, pipe, false],
    ['TERM=dumb', {TERM: 'dumb'}, tty, false],
    ['NO_COLOR on a terminal', {NO_COLOR: '1'}, tty, false],
    ['NO_COLOR beats FORCE_COLOR', {FORCE_COLOR: '1', NO_COLOR: '1'}, tty, false],
    ['an empty NO_COLOR is unset', {NO_COLOR: ''}, tty, true],
    ['FORCE_COLOR in a pipe', {FORCE_COLOR: '1'}, pipe, true],
    ['FORCE_COLOR=0 on a terminal', {FORCE_COLOR: '0'}, tty, false],
    ['FORCE_COLOR=false on a terminal', {FORCE_COLOR: 'false'}, tty, false],
  ])('%s', (_name, env, stream, expected) => {
    expect(colorEnabled({env, stream})).toBe(expected)
  })
})

describe('palette', () => {
  test('colours when enabled and strips back to the text', () => {
    const red = palette(true).red('FAILED')
    expect(red).toBe('\u001B[31mFAILED\u001B[39m')
    expect(stripAnsi(red)).toBe('FAILED')
  })

  test('returns the text untouched when disabled', () => {
    expect(palette(false).green('SUCCEEDED')).toBe('SUCCEEDED')
  })
})
