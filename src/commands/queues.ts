import {BaseCommand} from '../base-command'
import {queuesOverview, type QueuesOverview} from '../batch/queues/overview'
import {QUEUE_SOURCES} from '../batch/queues/platform'
import {queueGaveWayNotice, queueMayGiveWay} from '../batch/submit/local-names'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {connect, connectSettings} from '../connect'
import {exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {guardBrokenPipe, writeLines} from '../output/pipe'
import {queuesLines} from '../output/queues-view'
import {startSpinner} from '../output/spinner'
import {currentTerminal} from '../output/terminal'

const DESCRIPTION = `Every job queue of the account and region (DescribeJobQueues), with its state and status, \
platform (EC2, SPOT, FARGATE, FARGATE_SPOT or UNMANAGED: its first compute environment's, the one Batch tries \
first), priority, and how many of its jobs are RUNNABLE and RUNNING now (ListJobs; an array job counts once). \
Its compute environments follow in the order Batch tries them, with state, status, type, platform, min/desired/max \
vCPUs, instance types and whether they have GPUs (yes for p* and g* instance families, no for Fargate and CPU-only \
families, ? when it cannot be told). A queue or compute environment that cannot run jobs (not ENABLED, or not VALID) shows AWS's statusReason.

The default queue is marked *: the one configured (--queue is not taken here; METAFLOW_BATCH_JOB_QUEUE or the \
config key queue), else the first ENABLED and VALID queue, which is the one "submit" takes when no queue is set. \
Under --local, a configured queue the emulator lacks gives way to that first usable one, as it does for submit.

On a terminal: a table of queues, then a table of compute environments, sized to the terminal: on a narrow one \
long values are cut with … and the least useful columns are left out (a pipe and --json always have every field). \
In a pipe: one line per queue, \
tab-separated, no header: default (* or -), name, state, status, platform, priority, runnable, running, compute \
environments (name:platform:state:status:min/desired/max, comma-separated), reason.

--json prints {"defaultQueue", "defaultSource" ("configured", "first usable" or null), "queues": [{name, arn, \
state, status, statusReason, platform, priority, runnable, running, default, computeEnvironments: [{name, arn, \
order, state, status, statusReason, type, platform, minvCpus, desiredvCpus, maxvCpus, instanceTypes, gpus}]}]}; a \
value AWS does not report is null, never missing.

ENVIRONMENT
  ${'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*'.padEnd(44)} where to connect (the AWS SDK's own variables)
  ${'METAFLOW_BATCH_JOB_QUEUE'.padEnd(44)} the queue marked default
  ${'NO_COLOR, FORCE_COLOR'.padEnd(44)} colour on a terminal

${exitCodeHelp(false)}`

export default class Queues extends BaseCommand {
  static override description = DESCRIPTION
  static override enableJsonFlag = true
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Which queues there are and what runs on them.'},
    {command: '<%= config.bin %> <%= command.id %> --local', description: "The local emulator's queues."},
    {
      command: String.raw`<%= config.bin %> <%= command.id %> | awk -F'\t' '$3 == "ENABLED" && $4 == "VALID" {print $2}'`,
      description: 'The names of the queues that can run jobs.',
    },
    {
      command: `<%= config.bin %> <%= command.id %> --json | jq -r '.queues[] | select(.runnable > 0) | .name'`,
      description: 'Queues with jobs waiting for capacity.',
    },
  ]
  static override flags = {...awsFlags, ...connectFlags}
  static override summary = 'List the job queues, their compute environments and how busy they are.'

  async run(): Promise<QueuesOverview> {
    const {flags} = await this.parse(Queues)
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    const configured =
      typeof settings.queue.value === 'string' && settings.queue.value ? settings.queue.value : undefined
    const {batch} = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const spinner = await startSpinner('describing job queues', {silent: this.jsonEnabled()})
    let overview: QueuesOverview
    let gaveWay = false
    try {
      overview = await queuesOverview(batch, configured)
      // Under --local, a queue of the user's AWS setup that the emulator lacks gives way, as submit's does.
      if (configured && queueMayGiveWay(settings, flags.local) && !overview.queues.some((q) => q.default)) {
        overview = await queuesOverview(batch)
        gaveWay = true
      }
    } finally {
      spinner.stop()
    }

    if (gaveWay && overview.defaultQueue) this.note(queueGaveWayNotice(settings.queue, overview.defaultQueue, ''))

    if (overview.queues.length === 0) this.note('there are no job queues in this account and region')
    else if (!this.jsonEnabled()) writeLines(queuesLines(overview.queues, currentTerminal()))
    if (overview.defaultSource === 'configured' && !overview.queues.some((q) => q.default)) {
      const from = settings.queue.origin.label
      this.note(
        `the configured queue ${overview.defaultQueue} (${from}) does not exist; set another with ${QUEUE_SOURCES}`,
      )
    }

    return overview
  }

  /** Notes go to stderr even under --json (oclif's logToStderr would drop them). */
  private note(line: string): void {
    process.stderr.write(`${this.config.bin}: ${line}\n`)
  }
}
