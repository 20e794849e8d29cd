/**
 * The `wrap-ansi` that oclif's help formatter gets in the bundle (scripts/bundle.mjs). The package walks every
 * character of every line it is given, looking for colour codes, and measures the row again for every word it
 * adds; a help page gives it enough work that V8 optimises that loop on a background thread, a compile of about
 * 9 ms that the process waits for before it can exit, after the page is printed (bench/README.md, B1).
 *
 * A line of printable ASCII holds no colour code and is one column a character, so the package's own steps reduce
 * to the plain ones below (wrapping at words, its default; trimming, its default; `hard` cutting of words longer
 * than a row). Those lines are wrapped here, in the package's order of steps, and every other line (colour, tabs,
 * wide characters), or any call with other options, goes to the package, a line at a time as it takes them.
 * test/unit/output/help-wrap-ansi.test.ts holds the two to the same answers.
 */
import packageWrapAnsi from 'wrap-ansi'

type Options = Parameters<typeof packageWrapAnsi>[2]

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/

/** A word longer than the row, cut as the package's `wrapWord` cuts it when every character is one column. */
function cutWord(rows: string[], word: string, columns: number): void {
  let visible = rows.at(-1)!.length
  for (let index = 0; index < word.length; index++) {
    if (visible + 1 <= columns) {
      rows[rows.length - 1] += word[index]
    } else {
      rows.push(word[index])
      visible = 0
    }

    visible++
    if (visible === columns && index < word.length - 1) {
      rows.push('')
      visible = 0
    }
  }
  // The package then moves a last row of nothing but colour codes up a row: with none, there is no such row.
}

function wrapLine(line: string, columns: number, hard: boolean): string {
  if (line.trim() === '') return ''
  const rows = ['']
  for (const [index, word] of line.split(' ').entries()) {
    rows[rows.length - 1] = rows.at(-1)!.trimStart()
    let rowLength = rows.at(-1)!.length
    if (index !== 0 && rowLength > 0) {
      rows[rows.length - 1] += ' '
      rowLength++
    }

    if (hard && word.length > columns) {
      const breaksStartingThisLine = 1 + Math.floor((word.length - (columns - rowLength) - 1) / columns)
      const breaksStartingNextLine = Math.floor((word.length - 1) / columns)
      if (breaksStartingNextLine < breaksStartingThisLine) rows.push('')
      cutWord(rows, word, columns)
      continue
    }

    if (rowLength + word.length > columns && rowLength > 0 && word.length > 0) rows.push('')
    rows[rows.length - 1] += word
  }

  return rows.map((row) => row.replace(/ +$/, '')).join('\n')
}

function wrapAnsi(text: string, columns: number, options?: Options): string {
  if (typeof text !== 'string' || options?.trim === false || options?.wordWrap === false || text.includes('\r')) {
    return packageWrapAnsi(text, columns, options)
  }

  const hard = Boolean(options?.hard)
  return text
    .split('\n')
    .map((line) =>
      PRINTABLE_ASCII.test(line) ? wrapLine(line, columns, hard) : packageWrapAnsi(line, columns, options),
    )
    .join('\n')
}

// The package's own shape (a CommonJS function), which is how oclif calls it.
export = wrapAnsi
