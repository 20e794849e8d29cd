/**
 * B4 `status` of 1,000 job ids (RUNNABLE behind two blockers) against the AWS CLI's describe-jobs 100 ids at a
 * time in a shell loop; DescribeJobs calls of one mfbatch run from the emulator's counters.
 */
const {mkdtempSync, rmSync, writeFileSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {shell} = require('./lib/aws')
const {startEmulator} = require('./lib/emulator')
const {count, ms, ratio} = require('./lib/format')
const {runnableCrowd} = require('./lib/jobs')
const {RUN} = require('./lib/paths')
const {run} = require('./lib/proc')
const {timeInterleaved} = require('./lib/timing')

module.exports = {
  defaultRuns: 5,
  id: 'B4',
  async run({aws: withAws, log, quick, raw, runs}) {
    const n = quick ? 100 : 1000
    const emu = await startEmulator({args: ['--vcpus', '2']})
    const tmp = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b4-'))
    try {
      log(`  B4: ${count(n)} RUNNABLE jobs`)
      const ids = await runnableCrowd(emu, n)
      const chunks = join(tmp, 'chunks')
      const lines = []
      for (let i = 0; i < ids.length; i += 100) lines.push(ids.slice(i, i + 100).join(' '))
      writeFileSync(chunks, `${lines.join('\n')}\n`)
      const mfbatch = {args: [RUN, 'status', ...ids], command: process.execPath, options: {env: emu.env}}
      await emu.resetStats()
      const probe = await run(mfbatch.command, mfbatch.args, {...mfbatch.options, stdout: 'pipe'})
      const stats = await emu.stats()
      const rowsShown = probe.stdout.split('\n').filter((line) => ids.some((id) => line.includes(id))).length
      const t = await timeInterleaved(
        {
          aws: withAws
            ? shell(
                emu,
                `while read -r chunk; do "$AWS" --endpoint-url "$URL" batch describe-jobs --jobs $chunk > /dev/null; done < ${chunks}`,
              )
            : undefined,
          mfbatch,
        },
        {log, runs, warmup: 1},
      )
      raw({calls: stats.calls, rowsShown, t})
      const describes = stats.calls['batch:DescribeJobs'] ?? 0
      return [
        {
          baseline: `${ms(t.aws.median)} (aws describe-jobs x${lines.length})`,
          met: withAws ? t.aws.median / t.mfbatch.median >= 5 : undefined,
          mfbatch: ms(t.mfbatch.median),
          ratio: `${ratio(t.aws.median / t.mfbatch.median)} faster`,
          target: '≥ 5x faster',
          what: `\`status\` of ${count(n)} ids (${rowsShown} rows shown)`,
        },
        {
          baseline: `${lines.length} (ceil(ids/100))`,
          met: describes === lines.length && rowsShown === n,
          mfbatch: `${describes}${Object.keys(stats.calls).length > 1 ? ` (all calls: ${JSON.stringify(stats.calls)})` : ''}`,
          ratio: '-',
          target: `= ${lines.length}`,
          what: `DescribeJobs calls of \`status\` of ${count(n)} ids`,
        },
      ]
    } finally {
      rmSync(tmp, {force: true, recursive: true})
      await emu.remove()
    }
  },
  title: 'status of many jobs',
}
