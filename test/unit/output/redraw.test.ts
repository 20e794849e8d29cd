import {PassThrough} from 'node:stream'

import {redrawer} from '../../../src/output/redraw'

function capture(): {read(): string; stream: PassThrough} {
  const stream = new PassThrough()
  return {read: () => stream.read()?.toString() ?? '', stream}
}

describe('redrawer', () => {
  test('the first draw writes the lines; the next moves up over them and clears first', () => {
    const out = capture()
    const redraw = redrawer(out.stream, () => ({}))
    redraw.draw(['a', 'b'])
    expect(out.read()).toBe('a\nb\n')
    redraw.draw(['c'])
    expect(out.read()).toBe('\u001B[2F\u001B[0Jc\n')
    redraw.draw(['d', 'e', 'f'])
    expect(out.read()).toBe('\u001B[1F\u001B[0Jd\ne\nf\n')
  })

  test('a block taller than the terminal is cut, saying how much is hidden', () => {
    const out = capture()
    redrawer(out.stream, () => ({rows: 4})).draw(['1', '2', '3', '4', '5'])
    expect(out.read()).toBe('1\n2\n… 3 more rows (resize, or use a pipe for all)\n')
  })

  test('lines wider than the terminal are cut with "…", so the next draw moves up over exactly what was drawn', () => {
    const out = capture()
    const redraw = redrawer(out.stream, () => ({columns: 10, rows: 24}))
    redraw.draw(['0123456789abc', '\u001B[1mshort\u001B[22m'])
    expect(out.read()).toBe('012345678…\n\u001B[1mshort\u001B[22m\n')
    redraw.draw(['x'])
    expect(out.read()).toBe('\u001B[2F\u001B[0Jx\n')
  })

  test('wide characters count two columns each: ten of them fill a 10-column row without being cut', () => {
    const out = capture()
    let columns = 10
    const redraw = redrawer(out.stream, () => ({columns, rows: 24}))
    redraw.draw(['界界界界界', 'b'])
    expect(out.read()).toBe('界界界界界\nb\n')
    columns = 4
    redraw.draw(['c'])
    // The rows are those of the previous block at the width it was drawn with.
    expect(out.read()).toBe('\u001B[2F\u001B[0Jc\n')
  })

  test('the terminal size is read at every draw: a narrower terminal gets narrower lines', () => {
    const out = capture()
    let columns = 20
    const redraw = redrawer(out.stream, () => ({columns, rows: 24}))
    redraw.draw(['abcdefghijklmnop'])
    columns = 8
    redraw.draw(['abcdefghijklmnop'])
    expect(out.read()).toBe('abcdefghijklmnop\n\u001B[1F\u001B[0Jabcdefg…\n')
  })
})
