/**
 * B1 start-up: wall time of commands that make no AWS call, against the floor (`node -e 0`) and what a user would
 * otherwise run (the AWS CLI v2). Runs in an empty folder so no project config file is found, with its own cache
 * folder (MFBATCH_CACHE_DIR), so the warm-up rounds make the code cache that a user's second run would have.
 * MFBATCH_BENCH_BEFORE=/other/checkout/bin/run.js adds that build's three commands to the same rounds, for a
 * before-and-after measured side by side.
 */
const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {cleanEnv} = require('./lib/emulator')
const {ms, ratio} = require('./lib/format')
const {AWS, RUN} = require('./lib/paths')
const {timeInterleaved} = require('./lib/timing')

module.exports = {
  defaultRuns: 15,
  id: 'B1',
  async run({aws: withAws, log, runs}) {
    const cwd = mkdtempSync(join(tmpdir(), 'mfbatch-bench-b1-'))
    const env = {
      ...cleanEnv(),
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_REGION: 'us-east-1',
      AWS_SECRET_ACCESS_KEY: 'x',
      MFBATCH_CACHE_DIR: join(cwd, '.cache'),
    }
    const node = (args) => ({args, command: process.execPath, options: {cwd, env}})
    const mfbatch = (args) => node([RUN, ...args])
    const before = process.env.MFBATCH_BENCH_BEFORE
    const previous = (args) => (before ? node([before, ...args]) : undefined)
    const DRY_RUN = ['submit', '--dry-run', '--platform', 'ec2', '--queue', 'q', '--', 'echo', 'hi']
    const aws = (args) => ({args, command: AWS, options: {cwd, env}})
    try {
      const t = await timeInterleaved(
        {
          awsSkeleton: withAws ? aws(['batch', 'submit-job', '--generate-cli-skeleton']) : undefined,
          awsVersion: withAws ? aws(['--version']) : undefined,
          beforeDryRun: previous(DRY_RUN),
          beforeHelp: previous(['status', '--help']),
          beforeVersion: previous(['--version']),
          dryRun: mfbatch(DRY_RUN),
          help: mfbatch(['status', '--help']),
          node: node(['-e', '0']),
          version: mfbatch(['--version']),
        },
        {log, runs, warmup: 2},
      )
      const m = (k) => t[k].median
      const vsNode = (k) => `${ratio(m(k) / m('node'))} of node -e 0`
      return [
        {
          baseline: `${ms(m('node'))} (node -e 0)`,
          met: m('dryRun') / m('node') <= 1.8,
          mfbatch: ms(m('dryRun')),
          ratio: ratio(m('dryRun') / m('node')),
          target: '≤ 1.8x',
          what: '`submit --dry-run --platform ec2 --queue q -- echo hi` vs `node -e 0`',
        },
        {
          baseline: `${ms(m('awsSkeleton'))} (aws)`,
          met: withAws ? m('awsSkeleton') / m('dryRun') >= 4 : undefined,
          mfbatch: ms(m('dryRun')),
          ratio: `${ratio(m('awsSkeleton') / m('dryRun'))} faster`,
          target: '≥ 4x faster',
          what: '`submit --dry-run` vs `aws batch submit-job --generate-cli-skeleton`',
        },
        {
          baseline: `${ms(m('awsVersion'))} (aws)`,
          met: m('version') / m('node') <= 1.5 && (!withAws || m('awsVersion') / m('version') >= 4),
          mfbatch: ms(m('version')),
          ratio: `${ratio(m('awsVersion') / m('version'))} faster (${vsNode('version')})`,
          target: '≥ 4x faster, ≤ 1.5x node',
          what: '`--version` vs `aws --version`',
        },
        {
          baseline: `${ms(m('awsVersion'))} (aws)`,
          met: m('help') / m('node') <= 1.8 && (!withAws || m('awsVersion') / m('help') >= 4),
          mfbatch: ms(m('help')),
          ratio: `${ratio(m('awsVersion') / m('help'))} faster (${vsNode('help')})`,
          target: '≥ 4x faster, ≤ 1.8x node',
          what: '`status --help` vs `aws --version`',
        },
        ...(before
          ? [
              ['beforeDryRun', 'dryRun', '`submit --dry-run`'],
              ['beforeVersion', 'version', '`--version`'],
              ['beforeHelp', 'help', '`status --help`'],
            ].map(([then, now, what]) => ({
              baseline: `${ms(m(then))} (before: ${vsNode(then)})`,
              met: undefined,
              mfbatch: `${ms(m(now))} (${vsNode(now)})`,
              ratio: `${ratio(m(then) / m(now))} faster`,
              target: '-',
              what: `${what}, this build vs MFBATCH_BENCH_BEFORE`,
            }))
          : []),
      ]
    } finally {
      rmSync(cwd, {force: true, recursive: true})
    }
  },
  title: 'start-up',
}
