import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command'
import {recentJobs} from '../batch/history/recent'
import {listJobs} from '../batch/jobs/query'
import {parseSelection} from '../batch/jobs/selection'
import {DEFAULT_REASON, DEFAULT_TERMINATE_RATE, terminateJobs, type TerminateReport} from '../batch/jobs/terminate'
import {systemClock} from '../batch/pacing'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {connect, connectSettings} from '../connect'
import {InputError} from '../errors'
import {ExitCode, exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {selectionFlags} from '../flags/selection'
import {confirm} from '../output/confirm'
import {killQuestion, killQuestionLines} from '../output/kill-question'
import {killReportLines} from '../output/kill-report'
import {guardBrokenPipe, writeLines} from '../output/pipe'
import {startSpinner} from '../output/spinner'

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'

export default class Kill extends BaseCommand {
  static override args = {
    jobs: Args.string({
      description:
        'Job ids: UUID, UUID:N (array child), a job ARN, or last / last~N (the jobs submitted from here, newest first).',
    }),
  }
  static override description = `Terminates jobs with TerminateJobs, 50 jobs of a queue a call (TerminateJob one \
by one where the endpoint lacks it); either also cancels a job that has not started yet. Give job ids (any number, each asked for once), or --queue with the filters of "status" (without \
--state: every job not yet finished). Choosing by queue lists the jobs (the first 20, then how many more) and \
asks for confirmation on a terminal unless --yes, and is \
refused without --yes when stdin is not a terminal.

Calls go out in parallel, paced to --rate a second and slower while AWS throttles. A job that had already \
finished is reported with its final status and counts as a success; an unknown id does not. \`last\` is the job \
submitted last from this machine to the same endpoint and region, \`last~1\` the one before (scripts should keep the \
id submit printed instead).

stdout: the ids terminated, one a line. stderr: finished, unknown and failed jobs, then a summary \
("terminated 198, already finished 2, not found 0"). --json prints {"terminated": [ids], "alreadyFinished": \
[{jobId, status}], "notFound": [ids], "failed": [{jobId, message}]}.

ENVIRONMENT
  ${'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*'.padEnd(44)} where to connect (the AWS SDK's own variables)
  ${'CI, TERM=dumb'.padEnd(44)} no spinner

${exitCodeHelp(false).replace('unknown job)', 'a job not found or not terminated)')}`
  static override enableJsonFlag = true
  static override examples = [
    {command: `<%= config.bin %> <%= command.id %> ${ID}`, description: 'Stop one job.'},
    {
      command: "<%= config.bin %> <%= command.id %> --queue prod --name 'sweep-*' --reason 'bad parameters'",
      description: 'Stop every unfinished sweep job of a queue (asks first).',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --queue dev --state runnable --yes',
      description: 'In a script: cancel everything still waiting in a queue.',
    },
    {command: '<%= config.bin %> <%= command.id %> last~1', description: 'Stop the job submitted before the last one.'},
    {command: '<%= config.bin %> <%= command.id %> $(cat job-ids.txt) --json', description: 'A report for scripts.'},
  ]
  static override flags = {
    ...selectionFlags,
    rate: Flags.integer({
      default: DEFAULT_TERMINATE_RATE,
      helpValue: 'N',
      min: 1,
      summary: 'Calls a second at most (TerminateJobs or TerminateJob); lowered by itself while AWS throttles.',
    }),
    reason: Flags.string({
      default: DEFAULT_REASON,
      helpValue: 'TEXT',
      summary: 'Why, as the jobs will show it in statusReason.',
    }),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask before terminating jobs chosen by --queue.'}),
    ...awsFlags,
    ...connectFlags,
  }
  static override strict = false
  static override summary = 'Terminate jobs by id, or the jobs of a queue.'

  async run(): Promise<TerminateReport> {
    const {argv, flags} = await this.parse(Kill)
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    const recent = recentJobs(settings, flags.local).resolve
    const selection = parseSelection({...flags, args: argv as string[], recent}, systemClock.now())
    if (selection.kind === 'queue' && !flags.yes && !process.stdin.isTTY) {
      throw new InputError('--queue: add --yes to terminate jobs chosen by queue when stdin is not a terminal')
    }

    const {batch} = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const listed = selection.kind === 'queue' ? await listJobs(batch, selection.filter) : []
    const ids = selection.kind === 'queue' ? listed.map((j) => j.jobId!) : selection.ids
    const empty = {alreadyFinished: [], failed: [], notFound: [], terminated: []}
    if (selection.kind === 'queue') {
      const {queue} = selection.filter
      if (ids.length === 0) return this.done(empty, `no jobs in queue ${queue} match; nothing terminated`)
      if (!flags.yes) {
        for (const line of killQuestionLines(listed, queue)) process.stderr.write(`${line}\n`)
        if (!(await confirm(killQuestion(listed, queue)))) return this.done(empty, 'nothing terminated')
      }
    }

    const spinner = await startSpinner(`terminating ${ids.length} jobs`, {silent: this.jsonEnabled()})
    const report = await terminateJobs(batch, ids, {
      onSettled: (n, total) => spinner.update(`terminating: ${n} of ${total} done`),
      rate: flags.rate,
      reason: flags.reason,
    })
    spinner.stop()
    if (!this.jsonEnabled()) writeLines(report.terminated)
    if (report.notFound.length > 0 || report.failed.length > 0) process.exitCode = ExitCode.Failure
    return this.done(report)
  }

  /** The report's lines on stderr (even under --json: oclif's logToStderr would drop them), then the payload. */
  private done(report: TerminateReport, note?: string): TerminateReport {
    for (const line of note ? [note] : killReportLines(report)) process.stderr.write(`${this.config.bin}: ${line}\n`)
    return report
  }
}
