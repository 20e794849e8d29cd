/**
 * B1 start-up: wall time of commands that make no AWS call, against the floor (`node -e 0`) and what a user would
 * otherwise run (the AWS CLI v2). Runs in an empty folder so no project config file is found.
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
    const env = {...cleanEnv(), AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'x'}
    const node = (args) => ({args, command: process.execPath, options: {cwd, env}})
    const mfbatch = (args) => node([RUN, ...args])
    const aws = (args) => ({args, command: AWS, options: {cwd, env}})
    try {
      const t = await timeInterleaved(
        {
          awsSkeleton: withAws ? aws(['batch', 'submit-job', '--generate-cli-skeleton']) : undefined,
          awsVersion: withAws ? aws(['--version']) : undefined,
          dryRun: mfbatch(['submit', '--dry-run', '--platform', 'ec2', '--queue', 'q', '--', 'echo', 'hi']),
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
          met: m('dryRun') / m('node') <= 2.5,
          mfbatch: ms(m('dryRun')),
          ratio: ratio(m('dryRun') / m('node')),
          target: '≤ 2.5x',
          what: '`submit --dry-run --platform ec2 --queue q -- echo hi` vs `node -e 0`',
        },
        {
          baseline: `${ms(m('awsSkeleton'))} (aws)`,
          met: withAws ? m('awsSkeleton') / m('dryRun') >= 3 : undefined,
          mfbatch: ms(m('dryRun')),
          ratio: `${ratio(m('awsSkeleton') / m('dryRun'))} faster`,
          target: '≥ 3x faster',
          what: '`submit --dry-run` vs `aws batch submit-job --generate-cli-skeleton`',
        },
        {
          baseline: `${ms(m('awsVersion'))} (aws)`,
          met: withAws ? m('awsVersion') / m('version') >= 3 : undefined,
          mfbatch: ms(m('version')),
          ratio: `${ratio(m('awsVersion') / m('version'))} faster (${vsNode('version')})`,
          target: '≥ 3x faster',
          what: '`--version` vs `aws --version`',
        },
        {
          baseline: `${ms(m('awsVersion'))} (aws)`,
          met: withAws ? m('awsVersion') / m('help') >= 3 : undefined,
          mfbatch: ms(m('help')),
          ratio: `${ratio(m('awsVersion') / m('help'))} faster (${vsNode('help')})`,
          target: '≥ 3x faster',
          what: '`status --help` vs `aws --version`',
        },
      ]
    } finally {
      rmSync(cwd, {force: true, recursive: true})
    }
  },
  title: 'start-up',
}
