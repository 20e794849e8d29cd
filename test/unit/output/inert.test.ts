import {inert, inertCopy, shownOn} from '../../../src/output/inert'

const ESC = '\u001B'
const BEL = '\u0007'

describe('inert: control characters shown as cat -v shows them', () => {
  test.each([
    ['plain text', 'plain text'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    [`${ESC}]52;c;aGVsbG8=${BEL}`, '^[]52;c;aGVsbG8=^G'],
    [`${ESC}]0;owned${BEL}title`, '^[]0;owned^Gtitle'],
    [`${ESC}[2K${ESC}[1A${ESC}[2J${ESC}[HFAKE: job SUCCEEDED`, '^[[2K^[[1A^[[2J^[[HFAKE: job SUCCEEDED'],
    ['carriage\rreturn', 'carriage^Mreturn'],
    ['nul\u0000 del\u007F', 'nul^@ del^?'],
    ['c1 csi\u009B31m', 'c1 csi^[31m'.replace('^[', 'M-^[')],
    ['bidi \u202Eevil\u202C \u2066x\u2069', 'bidi <U+202E>evil<U+202C> <U+2066>x<U+2069>'],
    ['ünïcode 古 emoji 🚀', 'ünïcode 古 emoji 🚀'],
  ])('%j', (raw, shown) => {
    expect(inert(raw)).toBe(shown)
  })

  test('the same answer twice in a row (no regex state kept between calls)', () => {
    expect(inert(`a${ESC}b`)).toBe('a^[b')
    expect(inert(`a${ESC}b`)).toBe('a^[b')
  })

  test('inertCopy: every string of a nested value, other values kept', () => {
    const job = {attempts: [{container: {exitCode: 3, reason: `${ESC}[2J`}}], jobName: 'n', none: null, ok: true}
    expect(inertCopy(job)).toEqual({
      attempts: [{container: {exitCode: 3, reason: '^[[2J'}}],
      jobName: 'n',
      none: null,
      ok: true,
    })
    expect(job.attempts[0].container.reason).toBe(`${ESC}[2J`)
  })

  test('shownOn: inert on a terminal, raw elsewhere', () => {
    expect(shownOn(true)(ESC)).toBe('^[')
    expect(shownOn(false)(ESC)).toBe(ESC)
  })
})
