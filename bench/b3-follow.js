const {followTail} = require('./b3-tail')
/**
 * B3 `logs --follow` latency and idle polling. A job waits 3 s, prints its clock (epoch ms) every 50 ms for 20 s,
 * says "idle", stays silent 12 s, then prints "end" and exits. `mfbatch logs --follow` and
 * `aws logs tail --follow` follow it side by side; each line's delay is the time this process read it minus the
 * time in it (one machine, one clock). Idle polling: calls per second during the silent stretch, from the
 * emulator's counters (GetLogEvents + DescribeJobs are mfbatch's; FilterLogEvents is the AWS CLI's). First, the
 * tail rows of b3-tail.js: what `submit --local --follow` of a one-line job costs over `--wait`.
 */
const {aws} = require('./lib/aws')
const {startEmulator} = require('./lib/emulator')
const {ms, ratio} = require('./lib/format')
const {submit, waitFor} = require('./lib/jobs')
const {RUN} = require('./lib/paths')
const {start} = require('./lib/proc')
const {median, percentile} = require('./lib/stats')

const sleep = (msec) =>
  new Promise((resolve) => {
    setTimeout(resolve, msec)
  })

function tickingJob(tickSeconds, idleSeconds) {
  return [
    'node',
    '-e',
    'const [ticks, idle] = process.argv.slice(1).map(Number);' +
      'setTimeout(() => { const until = Date.now() + ticks * 1000;' +
      'const t = setInterval(() => { console.log(String(Date.now()));' +
      'if (Date.now() >= until) { clearInterval(t); console.log("idle");' +
      'setTimeout(() => console.log("end"), idle * 1000) } }, 50) }, 3000)',
    String(tickSeconds),
    String(idleSeconds),
  ]
}

const calls = (stats, ops) => ops.reduce((sum, op) => sum + (stats.calls[op] ?? 0), 0)

async function followOnce(emu, {idleSeconds, log, tickSeconds, withAws}) {
  const jobId = await submit(emu, tickingJob(tickSeconds, idleSeconds), {name: 'ticking'})
  const [job] = await waitFor(emu, [jobId], (j) => j.status === 'RUNNING' && j.container?.logStreamName, 30_000)
  const delays = {aws: [], mfbatch: []}
  const idleSeen = {}
  let resolveIdle
  const idle = new Promise((resolve) => {
    resolveIdle = resolve
  })
  const reader = (who) => (line, at) => {
    const text = who === 'aws' ? line.split(' ').at(-1) : line
    if (/^\d{13}$/.test(text)) delays[who].push(at - Number(text))
    else if (text === 'idle') {
      idleSeen[who] = at
      if (who === 'mfbatch') resolveIdle(at)
    }
  }

  const mfbatch = start(process.execPath, [RUN, 'logs', '--follow', jobId], {env: emu.env, stdout: reader('mfbatch')})
  const tail = aws(emu, [
    'logs',
    'tail',
    '/aws/batch/job',
    '--log-stream-names',
    job.container.logStreamName,
    '--follow',
  ])
  const awsTail = withAws ? start(tail.command, tail.args, {...tail.options, stdout: reader('aws')}) : undefined
  const timeout = (tickSeconds + idleSeconds + 60) * 1000
  const seen = await Promise.race([idle, sleep(timeout).then(() => {})])
  if (seen === undefined) throw new Error(`mfbatch printed no "idle" line within ${timeout} ms`)
  // Let the followers notice the silence, then count their calls over most of it.
  const settle = 2500
  const window = idleSeconds * 1000 - settle - 1000
  await sleep(Math.max(0, seen + settle - Date.now()))
  const before = await emu.stats()
  await sleep(window)
  const after = await emu.stats()
  const rate = (ops) => (calls(after, ops) - calls(before, ops)) / (window / 1000)
  const result = await mfbatch.done
  awsTail?.stop('SIGINT')
  await awsTail?.done
  if (result.code !== 0) throw new Error(`mfbatch logs --follow exited ${result.code}: ${result.stderr}`)
  log(
    `  mfbatch: ${delays.mfbatch.length} lines, p50 ${Math.round(percentile(delays.mfbatch, 50))} ms; ` +
      `aws: ${delays.aws.length} lines, p50 ${Math.round(percentile(delays.aws, 50))} ms`,
  )
  return {
    delays,
    idle: {aws: rate(['logs:FilterLogEvents']), mfbatch: rate(['logs:GetLogEvents', 'batch:DescribeJobs'])},
  }
}

module.exports = {
  defaultRuns: 5,
  id: 'B3',
  async run({aws: withAws, log, quick, raw, runs}) {
    const tickSeconds = quick ? 5 : 20
    const idleSeconds = quick ? 7 : 12
    let tailSamples
    const tailRows = await followTail({
      log,
      raw(data) {
        tailSamples = data
      },
      runs,
    })
    const emu = await startEmulator()
    try {
      const results = []
      for (let i = 0; i < runs; i++) {
        // eslint-disable-next-line no-await-in-loop -- one followed job at a time
        results.push(await followOnce(emu, {idleSeconds, log, tickSeconds, withAws}))
      }

      const pooled = (who) => results.flatMap((r) => r.delays[who])
      const idleRate = (who) => median(results.map((r) => r.idle[who]))
      raw({
        follow: results.map((r) => ({
          idle: r.idle,
          lines: {aws: r.delays.aws.length, mfbatch: r.delays.mfbatch.length},
        })),
        ...tailSamples,
      })
      const m50 = percentile(pooled('mfbatch'), 50)
      const m95 = percentile(pooled('mfbatch'), 95)
      const a50 = percentile(pooled('aws'), 50)
      const a95 = percentile(pooled('aws'), 95)
      const expected = runs * tickSeconds * 20
      return [
        ...tailRows,
        {
          baseline: `${ms(a50)} (aws logs tail --follow)`,
          met: m50 < 1000,
          mfbatch: ms(m50),
          ratio: `${ratio(a50 / m50)} sooner`,
          target: 'p50 < 1 s',
          what: `\`logs --follow\` delay, p50 of ${pooled('mfbatch').length} lines (~${expected} printed)`,
        },
        {
          baseline: `${ms(a95)} (aws logs tail --follow)`,
          met: m95 < 2000,
          mfbatch: ms(m95),
          ratio: `${ratio(a95 / m95)} sooner`,
          target: 'p95 < 2 s',
          what: '`logs --follow` delay, p95',
        },
        {
          baseline: `${idleRate('aws').toFixed(2)}/s (FilterLogEvents)`,
          met: idleRate('mfbatch') <= 1,
          mfbatch: `${idleRate('mfbatch').toFixed(2)}/s`,
          ratio: '-',
          target: '≤ 1 call/s',
          what: `idle polling during ${idleSeconds} s of silence (GetLogEvents + DescribeJobs)`,
        },
      ]
    } finally {
      await emu.remove()
    }
  },
  title: 'logs --follow latency and idle polling',
}
