#!/usr/bin/env node
/**
 * `npm run bench` (build, then this) or `node bench/run.js [B1 B4 ...] [--runs N] [--quick]`: runs the benchmarks
 * against emulators of their own and prints one table (Markdown, as bench/README.md keeps it). Raw samples go to
 * bench/results/latest.json. Every process a benchmark starts is stopped before this exits.
 *
 * --runs N  repetitions of each timed command (medians are reported; default per benchmark, at least 5)
 * --quick   small sizes to check the harness (10,000 log lines, 100 jobs, a short follow)
 * --no-aws  leave out the AWS CLI baselines (to compare two builds of mfbatch quickly; ratios to the CLI are n/a)
 */
const {mkdirSync, writeFileSync} = require('node:fs')
const {loadavg} = require('node:os')
const {join} = require('node:path')

const {table} = require('./lib/format')
const {describeMachine, machine} = require('./lib/machine')
const {killAll} = require('./lib/proc')

const BENCHMARKS = {
  B1: './b1-startup',
  B2: './b2-logs',
  B3: './b3-follow',
  B4: './b4-status',
  B5: './b5-kill',
  B6: './b6-api-calls',
  B7: './b7-s3-put',
  B8: './b8-package',
  B9: './b9-docker',
  B10: './b10-outputs',
}

function parseArgs(argv) {
  const options = {aws: true, ids: [], quick: false, runs: undefined}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case '--no-aws': {
        options.aws = false
        break
      }

      case '--quick': {
        options.quick = true
        break
      }

      case '--runs': {
        options.runs = Number(argv[++i])
        break
      }

      default: {
        if (arg.startsWith('--runs=')) options.runs = Number(arg.slice(7))
        else if (/^b\d+$/i.test(arg) && BENCHMARKS[arg.toUpperCase()]) options.ids.push(arg.toUpperCase())
        else throw new Error(`unknown argument ${arg}; use B1..B10, --runs N, --quick, --no-aws`)
      }
    }
  }

  if (options.runs !== undefined && !(Number.isInteger(options.runs) && options.runs >= 1)) {
    throw new Error('--runs takes a whole number, at least 1')
  }

  if (options.ids.length === 0) options.ids = Object.keys(BENCHMARKS)
  return options
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const log = (line) => process.stderr.write(`${line}\n`)
  const before = machine()
  log(`bench: ${describeMachine(before)}`)
  const rows = []
  const raw = {}
  for (const id of options.ids) {
    const bench = require(BENCHMARKS[id])
    const runs = options.runs ?? bench.defaultRuns ?? 5
    log(`bench: ${id} ${bench.title} (${runs} runs${options.quick ? ', quick' : ''})`)
    const started = Date.now()
    try {
      // eslint-disable-next-line no-await-in-loop -- benchmarks run one at a time, never side by side
      const result = await bench.run({
        aws: options.aws,
        log,
        quick: options.quick,
        raw(data) {
          raw[id] = data
        },
        runs,
      })
      rows.push(...result.map((row) => ({id, ...row})))
    } catch (error) {
      log(`bench: ${id} failed: ${error.stack ?? error}`)
      rows.push({id, met: false, mfbatch: 'error', what: `${bench.title}: ${String(error.message).split('\n')[0]}`})
    } finally {
      killAll()
    }

    log(`bench: ${id} took ${Math.round((Date.now() - started) / 1000)} s; load average ${loadavg()[0].toFixed(2)}`)
  }

  const after = machine()
  const text = `${table(rows)}\n`
  process.stdout.write(`\n${describeMachine(before)}\nload average at the end: ${after.load}\n\n${text}`)
  const dir = join(__dirname, 'results')
  mkdirSync(dir, {recursive: true})
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({argv: process.argv.slice(2), loadAtEnd: after.load, machine: before, raw, rows}, null, 2)}\n`,
  )
  if (rows.some((row) => row.mfbatch === 'error')) process.exitCode = 1
}

// eslint-disable-next-line unicorn/prefer-top-level-await -- CommonJS: no top-level await
main().catch((error) => {
  killAll()
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exitCode = 1
})
