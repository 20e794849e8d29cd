import {PassThrough} from 'node:stream'

import {redrawer} from '../../../src/output/redraw'

function capture(): {read(): string; stream: PassThrough} {
  const stream = new PassThrough()
  return {read: () => stream.read()?.toString() ?? '', stream}
}

describe('redrawer', () => {
  test('the first draw writes the lines; the next moves up over them and clears first', () => {
    const out = capture()
    const redraw = redrawer(out.stream)
    redraw.draw(['a', 'b'])
    expect(out.read()).toBe('a\nb\n')
    redraw.draw(['c'])
    expect(out.read()).toBe('\u001B[2F\u001B[0Jc\n')
    redraw.draw(['d', 'e', 'f'])
    expect(out.read()).toBe('\u001B[1F\u001B[0Jd\ne\nf\n')
  })

  test('a block taller than the terminal is cut, saying how much is hidden', () => {
    const out = capture()
    redrawer(out.stream, 4).draw(['1', '2', '3', '4', '5'])
    expect(out.read()).toBe('1\n2\n… 3 more rows (resize, or use a pipe for all)\n')
  })
})
