/** How numbers and rows are written in the benchmark table. */

function ms(value) {
  if (!Number.isFinite(value)) return 'n/a'
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`
  return `${Math.round(value)} ms`
}

function mb(kb) {
  return Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : 'n/a'
}

function ratio(value) {
  if (!Number.isFinite(value)) return 'n/a'
  return value >= 10 ? `${value.toFixed(0)}x` : `${value.toFixed(2)}x`
}

function count(value) {
  return Number.isFinite(value) ? value.toLocaleString('en-US') : 'n/a'
}

const COLUMNS = [
  ['id', 'id'],
  ['what', 'what'],
  ['mfbatch', 'mfbatch'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['met', 'met?'],
]

/** A Markdown table: readable in a terminal and pasted as is into bench/README.md. */
function table(rows) {
  const cells = rows.map((row) =>
    COLUMNS.map(([key]) => {
      const value = row[key]
      if (key === 'met') return value === undefined ? '-' : value ? 'yes' : '**no**'
      return String(value ?? '-').replaceAll('|', String.raw`\|`)
    }),
  )
  const header = COLUMNS.map(([, title]) => title)
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((c) => c[i].length)))
  const line = (values) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map((c) => line(c))].join('\n')
}

module.exports = {count, mb, ms, ratio, table}
