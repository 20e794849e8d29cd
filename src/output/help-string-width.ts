/**
 * The `string-width` that oclif's help formatter, `wrap-ansi` and `widest-line` get in the bundle
 * (scripts/bundle.mjs). The package strips colour codes and runs its emoji expression (a few kilobytes of
 * alternatives) over every word it measures, and wrap-ansi measures each row again for every word it adds: on a
 * help page that is thousands of calls, hot enough that V8 spends 8-9 ms optimising them after the page is printed,
 * a wait every `--help` paid before the process could exit (bench/README.md, B1). Printable ASCII, which is what
 * mfbatch's help text is, is one column a character by the package's own rules (no colour code, no emoji, no
 * control or combining character can be in it), so that is answered at once; anything else goes to the package.
 */
import packageStringWidth from 'string-width'

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/

function stringWidth(text: string): number {
  if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length
  return packageStringWidth(text)
}

// The package's own shape (a CommonJS function), which is how wrap-ansi and widest-line call it.
export = stringWidth
