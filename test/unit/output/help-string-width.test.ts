import packageStringWidth from 'string-width'

import stringWidth from '../../../src/output/help-string-width'

describe('the string-width of the bundled help formatter', () => {
  it('gives what the package gives for every printable ASCII character', () => {
    for (let code = 0x20; code <= 0x7e; code++) {
      const char = String.fromCodePoint(code)
      expect([char, stringWidth(char)]).toEqual([char, packageStringWidth(char)])
    }
  })

  it('gives what the package gives for text with colour, tabs, wide characters, emoji and combining marks', () => {
    const samples = [
      '',
      '  --memory=<value>  Memory in MiB',
      '\u001B[1mUSAGE\u001B[22m',
      'tab\there',
      '古い',
      'a\u0301',
      'ok 👍',
      '#\uFE0F\u20E3',
      'line\nbreak',
      '\u009B31mred',
    ]
    for (const text of samples) expect([text, stringWidth(text)]).toEqual([text, packageStringWidth(text)])
  })

  it('gives what the package gives for random ASCII strings, controls included', () => {
    let seed = 7
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed
    }

    for (let i = 0; i < 2000; i++) {
      const text = Array.from({length: next() % 40}, () => String.fromCodePoint(next() % 128)).join('')
      expect([text, stringWidth(text)]).toEqual([text, packageStringWidth(text)])
    }
  })
})
