import type {JobDetail} from '@aws-sdk/client-batch'

import {Args, Flags} from '@oclif/core'

import type {BatchApi, Clients} from '../batch/clients'
import type {Selection} from '../batch/jobs/selection'
import type {NodesByParent} from '../batch/nodes/rows'
import type {TaskChildren} from '../batch/tasks/children'
import type {ResolvedSettings} from '../config/types'
import type {JobView, QueuePositions} from '../output/job-view'

import {BaseCommand} from '../base-command'
import {recentJobs} from '../batch/history/recent'
import {parseSelection, selectJobs} from '../batch/jobs/selection'
import {describeNodes} from '../batch/nodes/rows'
import {systemClock} from '../batch/pacing'
import {parseDuration} from '../batch/parse/time'
import {queuePositions} from '../batch/queues/line'
import {queueMayGiveWay} from '../batch/submit/local-names'
import {taskChildrenOf} from '../batch/tasks/children'
import {failedChildrenByParent} from '../batch/watch/array-children'
import {RUNNABLE_AFTER_ENV} from '../batch/watch/create-watcher'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {connect, connectSettings} from '../connect'
import {RuntimeError} from '../errors'
import {ExitCode, exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {selectionFlags} from '../flags/selection'
import {jobView, withPosition} from '../output/job-view'
import {type JobExtras, JobsDisplay} from '../output/jobs-display'
import {guardBrokenPipe} from '../output/pipe'
import {connectionArgs} from '../output/submit-report'
import {currentTerminal} from '../output/terminal'
import {waitForJobs} from '../wait/jobs-wait'

const DESCRIPTION = `Give job ids (any number; DescribeJobs asks for 100 a call), or --queue with filters to list \
a queue's jobs (newest first; without --state only jobs not yet finished). Without ids or --queue, the configured \
queue is listed (METAFLOW_BATCH_JOB_QUEUE or the config key queue; not under --local, where it names an AWS \
queue); with no queue configured either, the jobs \
submitted from this machine to the same endpoint and region (newest first, --limit N of them), from the history \
kept in MFBATCH_CACHE_DIR. \`last\` stands for the newest of those, \`last~N\` for the one N before it; scripts \
should keep the id submit printed instead, as \`last\` moves with every submit.

On a terminal: a table (id, name, status, exit code, reason, created, duration; an array job's reason counts its \
children and names the failed ones with their exit codes), or for one job id a detail view (attempts with exit \
codes, reasons and log streams, image, resources, dependencies; an array job's failed children with exit code and \
reason). In a pipe: the same fields tab-separated, one job a line, no header, times as ISO 8601 and durations in \
seconds; one job id gives "label<TAB>value" lines (durations there with their unit, 3722s). Unknown ids are reported on stderr (exit 1).

A multi-node parallel job given by id is followed by one row per node, JOB#0 (the main node) to JOB#N-1, with its \
state, exit code and reason: rows after the job's in the table, a node table under the one-job view (in a pipe \
"Node<TAB>id<TAB>main|child<TAB>status<TAB>exit<TAB>reason<TAB>seconds" lines). JOB#N alone shows that node. \
--watch on a terminal redraws the node rows too (one more DescribeJobs a round).

A job submitted with --tasks, given alone by id, is followed by its children, each beside its row of the table \
(read from S3): an "Each task" table on a terminal, in a pipe "Task<TAB>index<TAB>status<TAB>exit<TAB>row" lines; \
--json adds tasks {table, names, children [{index, jobId, status, exitCode, statusReason, row}]} to the job.

--json prints {"jobs": [...], "notFound": [...]}. Each job has jobId, jobName, jobArn, jobQueue, status, \
statusReason, exitCode, createdAt, startedAt, stoppedAt (ISO 8601), durationSeconds, jobDefinition, image, \
resources {vcpus, memoryMiB, gpus}, dependsOn [{jobId, type}], array (null, or {size, index, statusSummary, \
failed: [{index, exitCode, reason}] or null}), \
logStreamName and attempts [{number, exitCode, reason, statusReason, logStreamName, startedAt, stoppedAt, \
durationSeconds}]; a field AWS does not report is null, never missing. Multi-node jobs also have node {index, isMainNode, \
numNodes}, and a parent given by id nodes [...] (each node's own job object). A RUNNABLE job given by id that \
is among the first 100 of its queue's line (GetJobQueueSnapshot) also has queuePosition {position, runnable, more} \
("Position 12th of 40 RUNNABLE" in the detail view).

--watch redraws the view until every job has finished (in a pipe: one more row per status change). --wait waits \
silently (a spinner on a terminal), prints the final view, and exits with the jobs' result. Both poll at most \
once a second and back off while AWS throttles; a job RUNNABLE for over a minute gets a diagnosis on stderr.

ENVIRONMENT
  ${'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*'.padEnd(44)} where to connect (the AWS SDK's own variables)
  ${'METAFLOW_BATCH_JOB_QUEUE'.padEnd(44)} the queue listed when no ids and no --queue are given
  ${RUNNABLE_AFTER_ENV.padEnd(44)} diagnose a job RUNNABLE this long (default 1m)
  ${'NO_COLOR, FORCE_COLOR'.padEnd(44)} colour on a terminal
  ${'CI, TERM=dumb'.padEnd(44)} no spinner

${exitCodeHelp(true)
  .replace('(--wait, --follow)', '(--wait)')
  .replace('the job keeps running unless --kill-on-interrupt', 'the jobs keep running')}
  With --wait, an unknown job id exits 125.`

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'
const EXAMPLES = [
  {command: `<%= config.bin %> <%= command.id %> ${ID}`, description: 'One job in detail.'},
  {command: '<%= config.bin %> <%= command.id %>', description: 'The jobs submitted from here (no queue configured).'},
  {
    command: '<%= config.bin %> <%= command.id %> --queue prod --state all --since 2h',
    description: "A queue's jobs of the last two hours.",
  },
  {
    command: "<%= config.bin %> <%= command.id %> --queue prod --name 'train-*' --state failed | cut -f1",
    description: 'The ids of failed training jobs.',
  },
  {
    command: `<%= config.bin %> <%= command.id %> --wait --wait-timeout 1h $(cat job-ids.txt); echo "exit $?"`,
    description: "Wait for several jobs; the exit code is the first failure's.",
  },
  {
    command: '<%= config.bin %> <%= command.id %> --watch --queue prod',
    description: 'Watch a queue until its jobs are done.',
  },
  {command: `<%= config.bin %> <%= command.id %> --json ${ID} | jq -r '.jobs[0].status'`, description: 'For scripts.'},
  {
    command: `<%= config.bin %> <%= command.id %> '${ID}#2'`,
    description: 'Node 2 of a multi-node job (the job id alone shows every node).',
  },
]

export interface StatusPayload {
  /** A `--tasks` job asked for alone also has `tasks`: its table's URL, the header names, and each child's row. */
  jobs: Array<JobView & {tasks?: TaskChildren}>
  notFound: string[]
}

export default class Status extends BaseCommand {
  static override args = {
    jobs: Args.string({
      description:
        'Job ids: UUID, UUID:N (array child), UUID#N (node of a multi-node job), a job ARN, or last / last~N ' +
        '(the jobs submitted from here, newest first; last:N for a child, last#N for a node).',
    }),
  }
  static override description = DESCRIPTION
  static override enableJsonFlag = true
  static override examples = EXAMPLES
  static override flags = {
    ...selectionFlags,
    wait: Flags.boolean({summary: "Wait until every job has finished; exit with the jobs' result (see EXIT CODES)."}),
    'wait-timeout': Flags.string({
      helpValue: 'DURATION',
      summary: 'With --wait, give up after this long (e.g. 30m) with exit 124; the jobs keep running. Implies --wait.',
    }),
    watch: Flags.boolean({char: 'w', summary: 'Keep the view up to date until every job has finished.'}),
    ...awsFlags,
    ...connectFlags,
  }
  static override strict = false
  static override summary = 'Show jobs by id, or the jobs of a queue; optionally wait for them to finish.'

  async run(): Promise<StatusPayload> {
    const {argv, flags} = await this.parse(Status)
    const waits = this.waitsOnJob()
    const timeoutMs =
      flags['wait-timeout'] === undefined ? undefined : parseDuration(flags['wait-timeout'], '--wait-timeout')
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    const defaultQueue = queueListedByDefault(settings, flags.local)
    const defaultQueueSource = settings.queue.origin.label
    const recent = recentJobs(settings, flags.local)
    const recentIds = {ids: recent.entries.map((entry) => entry.id), where: recent.where.endpoint}
    const selection = parseSelection(
      {
        ...flags,
        args: argv as string[],
        defaultQueue,
        defaultQueueSource,
        recent: recent.resolve,
        recentJobs: recentIds,
      },
      systemClock.now(),
    )
    const clients = await connect(connectSettings(settings, flags))
    const {batch} = clients
    guardBrokenPipe()
    const selected = await selectJobs(batch, selection)
    if (selected.missing.length > 0 && waits) throw new RuntimeError(notFound(selected.missing), ExitCode.ToolFailure)
    for (const id of selected.missing) this.note(notFound([id]))
    if (selected.missing.length > 0) process.exitCode = ExitCode.Failure

    let {jobs} = selected
    const single = selection.kind === 'ids' && selection.ids.length === 1
    const display = new JobsDisplay(currentTerminal(), systemClock.now, single)
    const watching = flags.watch && !this.jsonEnabled()
    if ((waits || flags.watch) && jobs.length > 0) {
      const outcome = await waitForJobs(batch, jobs, {
        clock: systemClock,
        connection: connectionArgs(flags),
        display,
        json: this.jsonEnabled(),
        nodes: (current) => nodesToShow(batch, selection, current),
        prefix: `${this.config.bin}: `,
        timeoutMs,
        watch: flags.watch,
      })
      jobs = outcome.jobs
      if (outcome.end !== 'finished') {
        const why = outcome.end === 'timeout' ? '--wait-timeout ran out' : 'interrupted'
        this.note(`${why}; the jobs keep running`)
      }

      if (waits || outcome.end === 'aborted') process.exitCode = outcome.exitCode
    }

    const nodes = await nodesToShow(batch, selection, jobs)
    // Array parents with failed children: which ones, with their codes and reasons (one ListJobs each).
    const failed = await failedChildrenByParent(batch, jobs)
    const positions = await positionsToShow(batch, selection, jobs)
    const tasks = await this.taskRows(clients, single ? jobs : [])
    if (selection.kind === 'queue' && jobs.length === 0) this.note(`no jobs in queue ${selection.filter.queue} match`)
    else if (!this.jsonEnabled() && !watching) display.print(jobs, {failed, nodes, positions, tasks})
    return payload(jobs, selected.missing, {failed, nodes, positions, tasks})
  }

  /** From argv, so it holds even when parsing fails: `--wait` or `--wait-timeout` before any `--`. */
  protected override waitsOnJob(): boolean {
    const end = this.argv.indexOf('--')
    return (end === -1 ? this.argv : this.argv.slice(0, end)).some((arg) => /^--wait(?:-timeout)?(?:=|$)/.test(arg))
  }

  /** Notes go to stderr even under --json (oclif's logToStderr would drop them). */
  private note(line: string): void {
    process.stderr.write(`${this.config.bin}: ${line}\n`)
  }

  /** One `--tasks` job alone: its children beside their rows; a table that cannot be read is a note, not a failure. */
  private async taskRows(clients: Clients, jobs: readonly JobDetail[]): Promise<TaskChildren | undefined> {
    if (jobs.length !== 1) return undefined
    try {
      return await taskChildrenOf(clients.batch, clients.s3!, jobs[0])
    } catch (error) {
      this.note(`the task rows cannot be shown: ${(error as Error).message}`)
      return undefined
    }
  }
}

/**
 * The configured queue, listed when no ids and no --queue are given. Under --local, a queue of the user's AWS setup
 * (Metaflow's config, the environment) is not the emulator's: the jobs submitted from here are listed instead.
 */
function queueListedByDefault(settings: Pick<ResolvedSettings, 'queue'>, local?: boolean): string | undefined {
  const {value} = settings.queue
  return typeof value === 'string' && !queueMayGiveWay(settings, local) ? value : undefined
}

/** Jobs asked for by id show their nodes too; a queue's list keeps one row per job. */
async function nodesToShow(batch: BatchApi, selection: Selection, jobs: readonly JobDetail[]): Promise<NodesByParent> {
  return describeNodes(batch, selection.kind === 'ids' ? jobs : [])
}

/** Jobs asked for by id show their place in the queue's line when RUNNABLE; a queue's list does not. */
async function positionsToShow(
  batch: BatchApi,
  selection: Selection,
  jobs: readonly JobDetail[],
): Promise<QueuePositions> {
  return selection.kind === 'ids' ? queuePositions(batch, jobs) : new Map()
}

/** What --json prints: every job's view, a multi-node parent's with its nodes, a `--tasks` job's with its rows. */
function payload(jobs: readonly JobDetail[], missing: string[], extras: JobExtras): StatusPayload {
  const {failed = new Map(), nodes = new Map(), positions = new Map(), tasks} = extras
  const now = systemClock.now()
  const views = jobs.map((job) =>
    withPosition(jobView(job, now, nodes.get(job.jobId ?? ''), failed.get(job.jobId ?? '')), positions),
  )
  return {jobs: tasks ? [{...views[0], tasks}] : views, notFound: missing}
}

function notFound(ids: readonly string[]): string {
  return `job ${ids.join(', ')} not found (AWS Batch keeps finished jobs for about 7 days)`
}
