import packageWrapAnsi from 'wrap-ansi'

import wrapAnsi from '../../../src/output/help-wrap-ansi'

const OPTIONS = [undefined, {hard: true}, {hard: true, trim: false}, {trim: false}, {wordWrap: false}, {hard: false}]

function same(text: string, columns: number, options?: (typeof OPTIONS)[number]): void {
  expect([text, columns, options, wrapAnsi(text, columns, options)]).toEqual([
    text,
    columns,
    options,
    packageWrapAnsi(text, columns, options),
  ])
}

describe('the wrap-ansi of the bundled help formatter', () => {
  it('gives what the package gives for help-like text', () => {
    const samples = [
      '',
      'Show jobs by id, or the jobs of a queue; optionally wait for them to finish.',
      '  --memory=<value>  Memory in MiB, or a size such as 4GiB; the default comes from the job definition',
      'two  spaces inside',
      ' leading space',
      'trailing space ',
      '   ',
      'line one\nline two that is a little longer than the rest of them\n\nafter an empty line',
      'a-very-long-word-that-does-not-fit-in-the-columns-at-all-and-must-be-cut-hard',
      'abcdefgh abcdefghijklmno',
      'ab abcdefghijklmnopqrstuvwxy and more',
      '\u001B[1mUSAGE\u001B[22m\n  $ mfbatch status',
      'windows\r\nline ends',
      'tab\tinside',
      '古い文字 and wide ones that wrap at some point of the line',
      'e\u0301 combining',
    ]
    for (const text of samples) {
      for (const columns of [0, 1, 10, 20, 40, 80, 200]) for (const options of OPTIONS) same(text, columns, options)
    }
  })

  it('gives what the package gives for random text of words, spaces and line breaks', () => {
    let seed = 11
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed
    }

    const pieces = [
      'a',
      'bc',
      'word',
      ' ',
      ' ',
      '  ',
      '\n',
      '-',
      'longerword',
      'a-word-of-twenty-six-chars',
      '\u001B[31m',
      '\u001B[39m',
      'é',
    ]
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({length: next() % 30}, () => pieces[next() % pieces.length]).join('')
      same(text, next() % 30, OPTIONS[next() % OPTIONS.length])
    }
  })
})
