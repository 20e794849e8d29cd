/**
 * B5 `kill` of 1,000 jobs while the emulator throttles at 20 requests a second. The jobs are made on an unthrottled
 * emulator (RUNNABLE behind two blockers), which is then restarted on the same state dir with --throttle-rps 20.
 * Checks: every job ends FAILED with the kill's reason, exit 0, nothing on stderr but the summary line, the calls the
 * kill made (TerminateJobs of up to 50 jobs: at most 25 terminate calls) and its wall time (at most 3 s).
 * MFBATCH_BENCH_BEFORE=/other/checkout/bin/run.js runs that build's `kill` in the same rounds, on jobs of its own.
 */
const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {startEmulator} = require('./lib/emulator')
const {count, ms, ratio} = require('./lib/format')
const {describe, runnableCrowd} = require('./lib/jobs')
const {RUN} = require('./lib/paths')
const {run} = require('./lib/proc')
const {median} = require('./lib/stats')

const RPS = 20
const REASON = 'mfbatch bench B5'

async function killOnce(n, {bin = RUN, log}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b5-'))
  try {
    const maker = await startEmulator({args: ['--vcpus', '2'], stateDir})
    const ids = await runnableCrowd(maker, n)
    await maker.stop()
    const emu = await startEmulator({args: ['--vcpus', '2', '--throttle-rps', String(RPS)], stateDir})
    try {
      await emu.resetStats()
      const result = await run(process.execPath, [bin, 'kill', '--reason', REASON, ...ids], {
        allowFail: true,
        env: emu.env,
        stdout: 'pipe',
        timeoutMs: 20 * 60_000,
      })
      const stats = await emu.stats()
      const jobs = await describe(emu, ids)
      const killed = jobs.filter((job) => job.status === 'FAILED' && job.statusReason === REASON).length
      const printed = result.stdout.split('\n').filter(Boolean).length
      const stderr = result.stderr.trim().split('\n').filter(Boolean)
      const summary = `terminated ${n}, already finished 0, not found 0`
      const clean = result.code === 0 && stderr.length === 1 && stderr[0] === `mfbatch: ${summary}`
      log(
        `  kill${bin === RUN ? '' : ' (before)'}: ${ms(result.ms)}, exit ${result.code}, ${killed}/${n} FAILED with the reason, ${printed} ids printed, ` +
          `${stats.faults.throttled} throttled answers, calls ${JSON.stringify(stats.calls)}`,
      )
      if (!clean) log(`  kill stderr: ${result.stderr.slice(0, 2000)}`)
      return {
        calls: stats.calls,
        clean,
        killed,
        ms: result.ms,
        printed,
        stderr: result.stderr,
        throttled: stats.faults.throttled,
      }
    } finally {
      await emu.stop()
    }
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

/** Calls that terminate jobs: TerminateJobs and TerminateJob (the kill also describes the jobs first). */
const terminateCalls = (calls) => (calls['batch:TerminateJobs'] ?? 0) + (calls['batch:TerminateJob'] ?? 0)
const allCalls = (calls) => Object.values(calls).reduce((a, b) => a + b, 0)

module.exports = {
  defaultRuns: 5,
  id: 'B5',
  async run({log, quick, raw, runs}) {
    const n = quick ? 100 : 1000
    const before = process.env.MFBATCH_BENCH_BEFORE
    const results = []
    const earlier = []
    for (let i = 0; i < runs; i++) {
      log(`  B5 run ${i + 1}/${runs}: ${count(n)} jobs${before ? ', this build then MFBATCH_BENCH_BEFORE' : ''}`)
      // eslint-disable-next-line no-await-in-loop -- each run needs its own jobs and emulator
      results.push(await killOnce(n, {log}))
      // eslint-disable-next-line no-await-in-loop
      if (before) earlier.push(await killOnce(n, {bin: before, log}))
    }

    raw([...results, ...earlier].map(({stderr, ...r}) => ({...r, stderr: stderr.slice(0, 2000)})))
    const wall = median(results.map((r) => r.ms))
    const terminate = Math.max(...results.map((r) => terminateCalls(r.calls)))
    const total = Math.max(...results.map((r) => allCalls(r.calls)))
    const allKilled = results.every((r) => r.killed === n && r.printed === n)
    const clean = results.every((r) => r.clean)
    const rows = [
      {
        baseline: `${count(n)} jobs`,
        met: allKilled && clean && wall <= 3000,
        mfbatch: ms(wall),
        ratio: '-',
        target: '≤ 3 s',
        what: `\`kill\` of ${count(n)} jobs, emulator at --throttle-rps ${RPS}`,
      },
      {
        baseline: `${count(n)} (one TerminateJob a job)`,
        met: terminate <= 25,
        mfbatch: `${terminate} terminate calls, ${total} in all (max over runs): ${JSON.stringify(results[0].calls)}`,
        ratio: '-',
        target: '≤ 25 terminate calls',
        what: 'API calls of the kill',
      },
      {
        baseline: `${count(n)} jobs`,
        met: allKilled && clean,
        mfbatch: `${Math.min(...results.map((r) => r.killed))} FAILED with the reason; ${clean ? 'stderr: the summary only' : 'other output on stderr'}`,
        ratio: '-',
        target: 'all terminated, no error shown',
        what: `every job terminated (${median(results.map((r) => r.throttled))} throttled answers on the way, median)`,
      },
    ]
    if (earlier.length > 0) {
      const then = median(earlier.map((r) => r.ms))
      rows.push({
        baseline: `${ms(then)}, ${Math.max(...earlier.map((r) => terminateCalls(r.calls)))} terminate calls (before)`,
        met: undefined,
        mfbatch: `${ms(wall)}, ${terminate} terminate calls`,
        ratio: `${ratio(then / wall)} faster`,
        target: '-',
        what: `\`kill\` of ${count(n)} jobs, this build vs MFBATCH_BENCH_BEFORE`,
      })
    }

    return rows
  },
  title: 'kill under throttling',
}
