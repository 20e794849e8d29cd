/**
 * B3's tail rows: what `--follow` costs over `--wait` once the job has ended. `submit --local --follow -- echo hi`
 * and `submit --local --wait -- echo hi`, each from a fresh HOME with its own background emulator (as a newcomer
 * runs them), one after the other in every round; the row is the median difference. MFBATCH_BENCH_BEFORE=/other/
 * checkout/bin/run.js adds that build's pair to the same rounds (with its own emulator), for a before-and-after in
 * one run.
 */
const {mkdtempSync, rmSync} = require('node:fs')
const {createServer} = require('node:net')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {cleanEnv} = require('./lib/emulator')
const {ms} = require('./lib/format')
const {RUN} = require('./lib/paths')
const {run} = require('./lib/proc')
const {median} = require('./lib/stats')

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** One build's `--local` setup: a HOME and a port of its own, so each build talks to its own emulator. */
async function localBuild(label, bin) {
  const home = mkdtempSync(join(tmpdir(), 'mfbatch-bench-tail-'))
  const env = {...cleanEnv(), HOME: home, MFBATCH_EMULATOR_PORT: String(await freePort())}
  const mfbatch = (args, options = {}) => run(process.execPath, [bin, ...args], {cwd: home, env, ...options})
  // The first --local starts the emulator in the background: not part of what is measured.
  await mfbatch(['submit', '--local', '--quiet', '--wait', '--', 'echo', 'warm-up'], {timeoutMs: 60_000})
  return {
    async remove() {
      await mfbatch(['emulator', 'stop'], {allowFail: true})
      rmSync(home, {force: true, recursive: true})
    },
    async round() {
      const wait = await mfbatch(['submit', '--local', '--wait', '--', 'echo', 'hi'], {timeoutMs: 60_000})
      const follow = await mfbatch(['submit', '--local', '--follow', '--', 'echo', 'hi'], {
        stdout: 'pipe',
        timeoutMs: 60_000,
      })
      if (follow.stdout !== 'hi\n') throw new Error(`${label}: --follow printed ${JSON.stringify(follow.stdout)}`)
      return {follow: follow.ms, wait: wait.ms}
    },
  }
}

async function followTail({log, raw, runs}) {
  const before = process.env.MFBATCH_BENCH_BEFORE
  const builds = [await localBuild('this build', RUN), ...(before ? [await localBuild('before', before)] : [])]
  try {
    const samples = builds.map(() => [])
    for (let i = 0; i < runs; i++) {
      for (const [b, build] of builds.entries()) {
        // eslint-disable-next-line no-await-in-loop -- one command at a time, builds alternating
        samples[b].push(await build.round())
      }
    }

    raw({tail: samples})
    const extra = (list) => median(list.map((s) => s.follow - s.wait))
    const [after, old] = samples
    log(
      `  tail: this build --follow ${ms(median(after.map((s) => s.follow)))}, --wait ${ms(median(after.map((s) => s.wait)))}`,
    )
    if (old)
      log(
        `  tail: before --follow ${ms(median(old.map((s) => s.follow)))}, --wait ${ms(median(old.map((s) => s.wait)))}`,
      )
    return [
      {
        baseline: `${ms(median(after.map((s) => s.wait)))} (--wait)`,
        met: extra(after) <= 500,
        mfbatch: ms(median(after.map((s) => s.follow))),
        ratio: `+${ms(extra(after))}`,
        target: '≤ --wait + 0.5 s',
        what: '`submit --local --follow -- echo hi` (a one-line job) vs `--wait`',
      },
      ...(old
        ? [
            {
              baseline: `${ms(median(old.map((s) => s.follow)))} (before; --wait ${ms(median(old.map((s) => s.wait)))})`,
              met: extra(after) <= 500,
              mfbatch: ms(median(after.map((s) => s.follow))),
              ratio: `+${ms(extra(old))} before, +${ms(extra(after))} now`,
              target: '≤ --wait + 0.5 s',
              what: '`submit --local --follow` of a one-line job, this build vs MFBATCH_BENCH_BEFORE',
            },
          ]
        : []),
    ]
  } finally {
    for (const build of builds) {
      // eslint-disable-next-line no-await-in-loop
      await build.remove()
    }
  }
}

module.exports = {followTail}
