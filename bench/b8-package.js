/**
 * B8 packaging (issue 24): `submit --dry-run --package` of a 5,000-file, 100 MB tree against `tar -czf` of the same
 * files, the first submit (MFBATCH_NO_CACHE=1, so the tree is read and hashed as on a first submit) and a second one
 * of the unchanged tree (a warm cache) against the same dry run without --package, the cost a second submit adds.
 * The tree is not a git work tree; its files are 20 KiB of source-like text (makeTree).
 * MFBATCH_BENCH_BEFORE=/other/checkout/bin/run.js adds that build's two submits to the same rounds, for a
 * before-and-after side by side.
 */
const {mkdirSync, mkdtempSync, rmSync, writeFileSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {cleanEnv} = require('./lib/emulator')
const {mb, ms, ratio} = require('./lib/format')
const {RUN} = require('./lib/paths')
const {timeInterleaved} = require('./lib/timing')

const FILES = 5000
const FILE_BYTES = 20 * 1024

/**
 * A tree of FILES files in 50 folders, FILE_BYTES each, that compresses as source code does: lines of words from a
 * vocabulary of 2,000, in a fixed pseudo-random order (the same tree every run).
 */
function makeTree(root) {
  let seed = 42
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }

  const vocabulary = Array.from({length: 2000}, () => Math.floor(random() * 1e9).toString(36))
  const line = () => {
    const words = Array.from({length: 3 + Math.floor(random() * 8)}, () => vocabulary[Math.floor(random() * 2000)])
    return `${'  '.repeat(Math.floor(random() * 4))}${words.join(' ')}\n`
  }

  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `d${i % 50}`)
    if (i < 50) mkdirSync(dir)
    let text = ''
    while (text.length < FILE_BYTES) text += line()
    writeFileSync(join(dir, `f${i}.txt`), text.slice(0, FILE_BYTES))
  }
}

module.exports = {
  defaultRuns: 5,
  id: 'B8',
  async run({log, quick, runs}) {
    const base = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b8-'))
    const tree = join(base, 'tree')
    mkdirSync(tree)
    if (quick) {
      writeFileSync(join(tree, 'one.txt'), 'one\n')
    } else {
      makeTree(tree)
    }

    const env = (cache) =>
      cache === 'none' ? {...cleanEnv(), MFBATCH_NO_CACHE: '1'} : {...cleanEnv(), MFBATCH_CACHE_DIR: join(base, cache)}
    const node = (args, cache) => ({args, command: process.execPath, options: {cwd: tree, env: env(cache), rss: true}})
    const before = process.env.MFBATCH_BENCH_BEFORE
    const DRY = ['submit', '--dry-run', '--platform', 'ec2', '--queue', 'q', '--package-root', 's3://bench-b8']
    const PACKAGE = [...DRY, '--package', '--', 'echo', 'hi']
    // No cache: the first submit of a tree, read and hashed whole.
    const cold = (run) => node([run, ...PACKAGE], 'none')
    try {
      const t = await timeInterleaved(
        {
          bare: node([RUN, ...DRY, '--', 'echo', 'hi'], 'warm'),
          beforeFirst: before ? cold(before) : undefined,
          beforeSecond: before ? node([before, ...PACKAGE], 'warm-before') : undefined,
          first: cold(RUN),
          second: node([RUN, ...PACKAGE], 'warm'),
          tar: {args: ['-czf', join(base, 'tar.tgz'), '.'], command: 'tar', options: {cwd: tree, rss: true}},
        },
        {log, runs, warmup: 1},
      )
      const m = (k) => t[k].median
      const rows = [
        {
          baseline: `${ms(m('tar'))} (tar -czf)`,
          met: m('first') / m('tar') <= 1.3,
          mfbatch: `${ms(m('first'))}, peak ${mb(t.first.rssKb)}`,
          ratio: ratio(m('first') / m('tar')),
          target: '≤ 1.3x',
          what: `first \`submit --dry-run --package\` of ${FILES} files, ${(FILES * FILE_BYTES) / 1e6} MB`,
        },
        {
          baseline: `${ms(m('bare'))} (no --package)`,
          met: m('second') - m('bare') <= 300,
          mfbatch: ms(m('second')),
          ratio: `+${ms(m('second') - m('bare'))}`,
          target: '≤ +300 ms',
          what: 'second `submit --dry-run --package` of the unchanged tree',
        },
      ]
      if (before) {
        rows.push(
          {
            baseline: `${ms(m('beforeFirst'))} (before: ${ratio(m('beforeFirst') / m('tar'))} of tar)`,
            met: undefined,
            mfbatch: `${ms(m('first'))} (${ratio(m('first') / m('tar'))} of tar)`,
            ratio: `${ratio(m('beforeFirst') / m('first'))} faster`,
            target: '-',
            what: 'first submit, this build vs MFBATCH_BENCH_BEFORE',
          },
          {
            baseline: `${ms(m('beforeSecond'))} (before: +${ms(m('beforeSecond') - m('bare'))})`,
            met: undefined,
            mfbatch: `${ms(m('second'))} (+${ms(m('second') - m('bare'))})`,
            ratio: `${ratio(m('beforeSecond') / m('second'))} faster`,
            target: '-',
            what: 'second submit, this build vs MFBATCH_BENCH_BEFORE',
          },
        )
      }

      return rows
    } finally {
      rmSync(base, {force: true, recursive: true})
    }
  },
  title: 'packaging a 5,000-file, 100 MB tree',
}
