/**
 * B5 `kill` of 1,000 jobs while the emulator throttles at 20 requests a second. The jobs are made on an unthrottled
 * emulator (RUNNABLE behind two blockers), which is then restarted on the same state dir with --throttle-rps 20.
 * Checks: every job ends FAILED with the kill's reason, exit 0, nothing on stderr but the summary line, and the
 * wall time against the floor of 1,000 / 20 s.
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

async function killOnce(n, {log}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b5-'))
  try {
    const maker = await startEmulator({args: ['--vcpus', '2'], stateDir})
    const ids = await runnableCrowd(maker, n)
    await maker.stop()
    const emu = await startEmulator({args: ['--vcpus', '2', '--throttle-rps', String(RPS)], stateDir})
    try {
      await emu.resetStats()
      const result = await run(process.execPath, [RUN, 'kill', '--reason', REASON, ...ids], {
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
        `  kill: ${ms(result.ms)}, exit ${result.code}, ${killed}/${n} FAILED with the reason, ${printed} ids printed, ` +
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

module.exports = {
  defaultRuns: 5,
  id: 'B5',
  async run({log, quick, raw, runs}) {
    const n = quick ? 100 : 1000
    const results = []
    for (let i = 0; i < runs; i++) {
      log(`  B5 run ${i + 1}/${runs}: ${count(n)} jobs`)
      // eslint-disable-next-line no-await-in-loop -- each run needs its own jobs and emulator
      results.push(await killOnce(n, {log}))
    }

    raw(results.map(({stderr, ...r}) => ({...r, stderr: stderr.slice(0, 2000)})))
    const wall = median(results.map((r) => r.ms))
    const floorMs = (n / RPS) * 1000
    const allKilled = results.every((r) => r.killed === n && r.printed === n)
    const clean = results.every((r) => r.clean)
    return [
      {
        baseline: `${ms(floorMs)} (${count(n)} / ${RPS} s)`,
        met: wall <= 1.5 * floorMs && allKilled && clean,
        mfbatch: ms(wall),
        ratio: `${ratio(wall / floorMs)} of the floor`,
        target: '≤ 1.5x',
        what: `\`kill\` of ${count(n)} jobs, emulator at --throttle-rps ${RPS}`,
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
  },
  title: 'kill under throttling',
}
