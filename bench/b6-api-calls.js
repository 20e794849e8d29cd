/**
 * B6 API calls of one `submit` to a known queue, the first and the second time (the emulator's counters), with a
 * fresh cache dir (MFBATCH_CACHE_DIR) per run. Metaflow's @batch makes DescribeJobQueues,
 * DescribeComputeEnvironments, DescribeJobDefinitions and SubmitJob every time.
 */
const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {startEmulator} = require('./lib/emulator')
const {ms, ratio} = require('./lib/format')
const {RUN} = require('./lib/paths')
const {run} = require('./lib/proc')
const {median} = require('./lib/stats')

const METAFLOW = ['DescribeJobQueues', 'DescribeComputeEnvironments', 'DescribeJobDefinitions', 'SubmitJob']

const total = (calls) => Object.values(calls).reduce((a, b) => a + b, 0)
const names = (calls) =>
  Object.entries(calls)
    .map(([op, n]) => `${op.replace(/^\w+:/, '')}${n > 1 ? ` x${n}` : ''}`)
    .join(', ')

module.exports = {
  defaultRuns: 5,
  id: 'B6',
  async run({log, raw, runs}) {
    const emu = await startEmulator()
    const results = []
    try {
      for (let i = 0; i < runs; i++) {
        const cache = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b6-'))
        const env = {...emu.env, MFBATCH_CACHE_DIR: cache}
        const submit = async () => {
          await emu.resetStats()
          const r = await run(process.execPath, [RUN, 'submit', '--queue', 'local', '--', 'echo', `bench-${i}`], {
            env,
            stdout: 'pipe',
          })
          return {calls: (await emu.stats()).calls, ms: r.ms}
        }

        try {
          // eslint-disable-next-line no-await-in-loop -- the second submit must follow the first
          const first = await submit()
          // eslint-disable-next-line no-await-in-loop
          const second = await submit()
          log(
            `  run ${i + 1}: first ${total(first.calls)} calls ${ms(first.ms)}, second ${total(second.calls)} calls ${ms(second.ms)}`,
          )
          results.push({first, second})
        } finally {
          rmSync(cache, {force: true, recursive: true})
        }
      }
    } finally {
      await emu.remove()
    }

    raw(results)
    const first = results[0].first.calls
    const second = results[0].second.calls
    // The first run meets a fresh emulator (RegisterJobDefinition); later first submits find the definition there.
    const secondsOk = results.every((r) => total(r.second.calls) <= 2)
    const t1 = median(results.map((r) => r.first.ms))
    const t2 = median(results.map((r) => r.second.ms))
    return [
      {
        baseline: `${METAFLOW.length} (Metaflow: ${METAFLOW.join(', ')})`,
        mfbatch: `${total(first)}: ${names(first)}`,
        ratio: '-',
        target: '-',
        what: 'API calls of the first `submit --queue local` (empty cache, fresh emulator)',
      },
      {
        baseline: `${METAFLOW.length} (Metaflow)`,
        met: secondsOk,
        mfbatch: `${total(second)}: ${names(second)} (max over ${results.length} runs: ${Math.max(...results.map((r) => total(r.second.calls)))})`,
        ratio: '-',
        target: '≤ 2',
        what: 'API calls of the second `submit` (same queue and definition)',
      },
      {
        baseline: `${ms(t1)} (first)`,
        mfbatch: ms(t2),
        ratio: ratio(t2 / t1),
        target: '-',
        what: 'wall time of the second `submit` vs the first',
      },
    ]
  },
  title: 'API calls of submit',
}
