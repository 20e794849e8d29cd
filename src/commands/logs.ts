import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command'
import {recentJobs} from '../batch/history/recent'
import {parseJobId} from '../batch/jobs/ids'
import {readLogsByKind} from '../batch/logs/by-kind'
import {followGraceMs, GRACE_ENV} from '../batch/logs/grace'
import {checkAllNodesTarget, NODE_WATCH_HOOKS} from '../batch/nodes/all-logs'
import {parseDuration, parseSince} from '../batch/parse/time'
import {createWatcher, RUNNABLE_AFTER_ENV} from '../batch/watch/create-watcher'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {connect, connectSettings} from '../connect'
import {InputError} from '../errors'
import {ExitCode, exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {onInterrupt} from '../output/interrupt'
import {logPrinter, progressHooks, retryLine} from '../output/log-printer'
import {guardBrokenPipe} from '../output/pipe'
import {connectionArgs} from '../output/submit-report'
import {arrayLogsEndLines} from '../wait/failed-children'
import {killHint} from '../wait/kill-hint'

export default class Logs extends BaseCommand {
  static override args = {
    job: Args.string({
      description:
        'Job id (a multi-node job: its main node; an array job: every child), JOBID:N for a child of an array ' +
        'job, JOBID#N for node N of a multi-node job, or last / last~N (the jobs submitted from here; last:N for a ' +
        'child, last#N for a node).',
    }),
  }
  static override description = `Reads the job's CloudWatch log stream: the log group from the job definition's \
awslogs-group option (default /aws/batch/job), the stream of the latest attempt (or --attempt N). Log lines go \
to stdout; notes and, with --follow, status changes go to stderr. On a terminal, control characters in the \
lines (escape sequences that could set the title or clipboard, move the cursor or erase) are shown as cat -v does \
(^[, ^G); --raw prints them as they are, for a job's own colours. A pipe, a file and --json get the bytes unchanged.

--follow waits for a job that has not started, prints lines as they come, moves on to the next attempt's stream \
on a retry, and stops by itself once the job has ended and its stream is drained, with the job's exit code. \
CloudWatch can make the last lines readable a few seconds after the job ends, so a finished job's stream is read \
until it has been quiet for --grace (3s by default; each late line starts it again); nothing more is printed when \
nothing more comes.

A multi-node parallel job: JOB reads the main node's log, JOB#N node N's. --all-nodes reads every node's stream \
(latest attempt, or --attempt N) and interleaves them by timestamp, each line prefixed with its node index, "[0] " \
for the main node (after the --timestamps time; --json gives it as "node"). Each round's new lines are sorted \
together, so a line that reaches CloudWatch late comes out late, never lost or doubled. --tail N gives the last N \
lines of all nodes together; --follow ends once the job and every node have ended, with the main node's exit code. \
--all-nodes on any other job, or on a node or array child id, is refused (exit 2, or 125 with --follow).

An array job: JOB reads every child's log (the first 100 children), interleaved by timestamp, each line prefixed \
with the child's index, "[3] " (--json gives it as "node"); --tail N and --attempt N work as for nodes. JOB:N reads \
child N alone. --follow ends once every child has ended, with the exit code of the lowest-index child that \
failed, each failed child named on stderr.

ENVIRONMENT
  ${'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*'.padEnd(44)} where to connect (the AWS SDK's own variables)
  ${RUNNABLE_AFTER_ENV.padEnd(44)} with --follow, diagnose a job RUNNABLE this long (default 1m)
  ${GRACE_ENV.padEnd(44)} the --grace default (also for submit --follow)
  ${'NO_COLOR, FORCE_COLOR'.padEnd(44)} colour of status lines on stderr

${exitCodeHelp(true).replace('(--wait, --follow)', '(--follow)')}`
  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f',
      description: "Print a job's log.",
    },
    {
      command: '<%= config.bin %> <%= command.id %> --follow 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f; echo "exit $?"',
      description: "Follow it until it ends; the exit code is the job's.",
    },
    {
      command: '<%= config.bin %> <%= command.id %> --follow --grace 10s 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f',
      description: 'Follow it, and wait longer for lines CloudWatch delivers late.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --follow last',
      description: 'Follow the job submitted last from here.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:3 --attempt 1 --tail 20',
      description: 'The last 20 lines of the first attempt of array child 3.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --tail 5 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f',
      description: 'An array job: the last 5 lines of all its children together, each as "[INDEX] line".',
    },
    {
      command: String.raw`<%= config.bin %> <%= command.id %> --all-nodes --follow 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f | grep '^\[2\] '`,
      description: 'Follow a multi-node job; keep the lines of node 2.',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --json --since 10m 6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f | jq -r .message',
      description: 'The last ten minutes as NDJSON.',
    },
  ]
  static override flags = {
    ...awsFlags,
    ...connectFlags,
    'all-nodes': Flags.boolean({
      summary: 'A multi-node job: every node\'s log, interleaved by time, each line prefixed with "[N] " (its node).',
    }),
    attempt: Flags.integer({min: 1, summary: 'Read this attempt (from 1) instead of the latest.'}),
    follow: Flags.boolean({char: 'f', summary: 'Keep printing new lines until the job ends; exit with its code.'}),
    grace: Flags.string({
      helpValue: 'DURATION',
      summary: `With --follow, keep reading a finished job's stream until it is quiet this long [default: 3s].`,
    }),
    // Our own flag, not oclif's enableJsonFlag: a log is a stream of records (NDJSON), not one document.
    json: Flags.boolean({
      summary: 'One JSON object per line: {"timestamp": ms, "message": ..., "stream": ...}; --all-nodes adds "node".',
    }),
    raw: Flags.boolean({
      summary: "On a terminal, print the job's bytes as they are (its own colours), escape sequences included.",
    }),
    since: Flags.string({helpValue: '10m|ISO', summary: 'Only events from this long ago, or from this date/time.'}),
    tail: Flags.integer({helpValue: 'N', min: 0, summary: 'Start with the last N lines.'}),
    timestamps: Flags.boolean({char: 't', summary: 'Prefix each line with its ISO 8601 timestamp.'}),
    'wait-timeout': Flags.string({
      helpValue: 'DURATION',
      summary: 'With --follow, stop after this long (e.g. 30m) with exit 124; the job keeps running.',
    }),
  }
  static override summary = "Print a job's log lines, or follow them until the job ends."

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const since = flags.since === undefined ? undefined : parseSince(flags.since, Date.now())
    const timeout =
      flags['wait-timeout'] === undefined ? undefined : parseDuration(flags['wait-timeout'], '--wait-timeout')
    const graceMs = followGraceMs(flags.grace)
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    if (args.job === undefined) {
      throw new InputError(
        `which job? give its id, or last for the one submitted last from here: ${this.config.bin} logs last`,
      )
    }

    const jobId = parseJobId(args.job, 'JOB', recentJobs(settings, flags.local).resolve)
    if (flags['all-nodes']) checkAllNodesTarget(jobId)
    const {batch, logs} = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const note = this.note.bind(this)
    // Following: the job's final line comes after its last log lines.
    const follow = Boolean(flags.follow)
    const progress = progressHooks(note, {changes: follow, finalLast: follow, verbose: flags.verbose})
    const diagnosed = progress.onDiagnosis
    progress.onDiagnosis = (diagnosis) => {
      diagnosed?.(diagnosis)
      note(killHint(diagnosis.job.jobId ?? jobId, this.config.bin, connectionArgs(flags)))
    }

    const watcher = createWatcher(batch, [jobId], progress)
    const interrupt = flags.follow ? onInterrupt() : undefined
    const members = (ids: readonly string[]) => createWatcher(batch, ids, NODE_WATCH_HOOKS)
    const reading = readLogsByKind(
      {allNodes: flags['all-nodes'], attempt: flags.attempt, follow: flags.follow, jobId, since, tail: flags.tail},
      {
        deadline: timeout === undefined ? undefined : Date.now() + timeout,
        graceMs,
        logs,
        onRetry: flags.verbose ? (error, delay) => note(retryLine('GetLogEvents', error, delay)) : undefined,
        signal: interrupt?.signal,
        watchChildren: members,
        watcher,
        watchNodes: members,
      },
      logPrinter(process.stdout, flags),
    )
    const outcome = await Promise.race([reading, interrupt?.interrupted ?? reading])
    interrupt?.dispose()
    progress.release()
    if (outcome === 'interrupted') {
      note(`stopped following; job ${jobId} keeps running`)
      return this.exit(ExitCode.Interrupted)
    }

    if (outcome.note) note(outcome.note)
    for (const line of arrayLogsEndLines(jobId, outcome, this.config.bin)) note(line)
    if (flags.follow && outcome.exitCode !== 0) this.exit(outcome.exitCode)
  }

  protected override waitsOnJob(): boolean {
    return this.argv.some((arg) => arg === '--follow' || /^-[a-z]*f[a-z]*$/i.test(arg))
  }

  private note(line: string): void {
    this.logToStderr(`${this.config.bin}: ${line}`)
  }
}
