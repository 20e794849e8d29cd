import {Args, Flags} from '@oclif/core'
import {join, relative} from 'node:path'

import {BaseCommand} from '../base-command'
import {recentJobs} from '../batch/history/recent'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {leaveOnSignal} from '../output/interrupt'
import {outputsLines} from '../output/outputs-report'
import {guardBrokenPipe, writeLines} from '../output/pipe'

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'

export default class Outputs extends BaseCommand {
  static override args = {
    job: Args.string({
      description: 'A job submitted with --output: UUID, UUID:N (array child), a job ARN, last or last~N, last:N.',
      required: true,
    }),
  }
  static override description = `Downloads the outputs a job uploaded (submit --output) into a directory: the last \
attempt's by default. The archive's SHA-256 is checked against its manifest, every file is written to a temporary \
name and renamed into place, and nothing is written outside the directory (an archive with an absolute path, .. or \
a link leading out is refused whole). A file already there with the same bytes is left alone, so a second download \
changes nothing. A FAILED job's outputs are fetched the same way. Ctrl-C (exit 130) or SIGTERM (exit 143) during a \
download removes its temporary files: each file is whole or absent, and the same command again finishes the job.

stdout: the files placed, one a line (--list: one line per attempt: job id, attempt, bytes, S3 URL). stderr: what \
was written and what the job did not make. --json: {"downloads": [{jobId, attempt, into, written, unchanged, \
missing}]}, or with --list {"attempts": [{jobId, attempt, bytes, url}]}.

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    {command: `<%= config.bin %> <%= command.id %> ${ID}`, description: "Bring a job's outputs here."},
    {
      command: '<%= config.bin %> <%= command.id %> last --to results/',
      description: 'The outputs of the job submitted last from here, into results/.',
    },
    {
      command: `<%= config.bin %> <%= command.id %> ${ID} --all --to sweep/`,
      description: "Every array child's outputs, child N into sweep/N/.",
    },
    {command: `<%= config.bin %> <%= command.id %> ${ID}:3 --list`, description: "List child 3's attempts."},
  ]
  static override flags = {
    all: Flags.boolean({summary: 'Every child of an array (or node of a multi-node job), child N into DIR/N/.'}),
    attempt: Flags.integer({helpValue: 'N', min: 1, summary: "This attempt's outputs (default: the last)."}),
    list: Flags.boolean({summary: 'List the attempts that left outputs; download nothing.'}),
    to: Flags.string({default: '.', helpValue: 'DIR', summary: 'Where to put the files (default: here).'}),
    ...awsFlags,
    ...connectFlags,
  }
  static override summary = 'Download the outputs of a job (submit --output).'

  async run() {
    const {args, flags} = await this.parse(Outputs)
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    const [{connect, connectSettings}, service] = await Promise.all([
      import('../connect.js'),
      import('../batch/outputs/service.js'),
    ])
    const jobId = service.parseOutputsJob(args.job, flags.all, recentJobs(settings, flags.local).resolve)
    const clients = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const s3 = await clients.s3!()
    const found = await service.findOutputs(clients.batch, s3, {all: flags.all, attempt: flags.attempt, jobId})
    if (flags.list) {
      const attempts = found.attempts.map(({attempt, bytes, jobId: id, url}) => ({attempt, bytes, jobId: id, url}))
      if (!this.jsonEnabled()) writeLines(attempts.map((a) => [a.jobId, a.attempt, a.bytes, a.url].join('\t')))
      return {attempts}
    }

    const leave = leaveOnSignal(
      `${this.config.bin}: interrupted; no half file was left in ${flags.to}; the same command again finishes the download`,
    )
    const downloads = await service.downloadOutputs(s3, found, flags.to, flags.all).finally(() => leave.dispose())
    for (const got of downloads) {
      for (const line of outputsLines(got, got.into)) process.stderr.write(`${this.config.bin}: ${line}\n`)
    }

    const placed = downloads.flatMap((got) =>
      [...got.written, ...got.unchanged].sort().map((path) => relative('.', join(got.into, path))),
    )
    if (!this.jsonEnabled()) writeLines(placed)
    const report = downloads.map((got) => ({
      attempt: got.attempt.attempt,
      into: got.into,
      jobId: got.attempt.jobId,
      missing: got.manifest.missing,
      unchanged: got.unchanged,
      written: got.written,
    }))
    return {downloads: report}
  }
}
