import {Args} from '@oclif/core'

import type {Submission} from '../batch/submit/service'

import {BaseCommand} from '../base-command'
import {recentJobs, recordSubmitted} from '../batch/history/recent'
import {parseJobId} from '../batch/jobs/ids'
import {followGraceMs} from '../batch/logs/grace'
import {parseDuration} from '../batch/parse/time'
import {changesDefinition, parseRerunChanges} from '../batch/rerun/changes'
import {commandAfterJob} from '../batch/rerun/command-line'
import {buildRerunPackage, packageRerun} from '../batch/rerun/package'
import {planRerun, RERUN_TAG, type RerunRequests} from '../batch/rerun/plan'
import {maskEnvironments} from '../batch/secrets'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {exitCodeHelp} from '../exit-codes'
import {rerunFlags} from '../flags/rerun'
import {WAITING_FLAGS, waitsFor} from '../flags/submit'
import {jsonDocument} from '../output/json'
import {guardBrokenPipe} from '../output/pipe'
import {connectionArgs, submitResult, type SubmitResult, submittedLines} from '../output/submit-report'

const ID = '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'

export type RerunResult = SubmitResult & {rerunOf: string}

export default class Rerun extends BaseCommand {
  static override args = {
    job: Args.string({
      description: 'The job to run again: a job id or ARN, or last / last~N (the jobs submitted from here).',
    }),
  }
  static override description = `Reads JOB (DescribeJobs) and submits a new job like it: the same job definition, \
queue, command, environment, vCPUs, memory, GPUs, tags, retries, timeout, array size and node count, scheduling \
priority and share. Each flag given changes its part; words after -- replace the command (a command wrapped by \
--package or --nodes keeps its wrapper: only the command inside is replaced). Dependencies are not kept. Every value \
is checked before any AWS call, with the rules of "submit".

--package ships the working directory's code as "submit --package" does, in place of the job's own package (a job \
that had none gets one): a rerun after a code fix runs the fix.

A job submitted with --tasks reruns with its table (presigned again); --failed reruns only its FAILED children: \
their rows become a new table beside the old one and the rerun an array of that many children (a plain job for \
one), with any changes given (e.g. --memory). --failed on another array job reruns its FAILED children as a new \
array whose children each see their original AWS_BATCH_JOB_ARRAY_INDEX (a small sh wrapper sets it from \
MFBATCH_ARRAY_INDICES, which lists them).

--image, --iam-role, --execution-role and --shared-memory change the job definition: the new one is the old one with \
that change, named by its content as "submit" names its own, so it is registered once and then reused.

The new job carries the tag ${RERUN_TAG}=<JOB's id> (the marks of earlier submits and reruns are not copied). Only \
its id goes to stdout (--json: {jobId, jobName, jobArn, jobQueue, jobDefinition, platform, rerunOf}); stderr names \
the queue and the status, logs and kill commands. --wait and --follow wait as "submit" does and exit with the new \
job's result. An array child (JOB:N) or a node (JOB#N) is refused: rerun the whole job.

ENVIRONMENT
  ${'AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL*'.padEnd(44)} where to connect (the AWS SDK's own variables)
  ${'MFBATCH_CACHE_DIR'.padEnd(44)} where the jobs submitted from here (last, last~N) are kept

${exitCodeHelp(true)}`
  static override enableJsonFlag = true
  static override examples = [
    {command: `<%= config.bin %> <%= command.id %> ${ID} --memory 32000`, description: 'Again, with more memory.'},
    {
      command: '<%= config.bin %> <%= command.id %> last --follow -- python train.py --epochs 1',
      description: 'The job just submitted, with another command, printing its log.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> last --package --follow',
      description: 'After a code fix: the job just submitted, with the working directory’s code.',
    },
    {
      command: `<%= config.bin %> <%= command.id %> ${ID} --queue gpu --gpu 1 --image my-registry/train:cuda`,
      description: 'On a GPU queue with another image (a job definition is registered or reused).',
    },
    {
      command: '<%= config.bin %> <%= command.id %> last --failed --memory 32000 --wait',
      description: 'Only the failed rows of a --tasks sweep, with more memory.',
    },
    {
      command: `<%= config.bin %> <%= command.id %> ${ID} --dry-run --env DEBUG=1 --tag try=2`,
      description: 'The exact requests, without submitting anything.',
    },
  ]
  static override flags = rerunFlags
  // The new command follows `--` and is read from the raw argv (see commandAfterJob).
  static override strict = false
  static override summary = 'Run a job again, as it ran or with some settings changed.'

  async run(): Promise<RerunRequests | RerunResult> {
    const {args, argv, flags} = await this.parse(Rerun)
    const command = commandAfterJob(this.argv, argv)
    const changes = parseRerunChanges(flags, command)
    const waits = waitsFor({...flags, json: this.jsonEnabled()})
    const timeoutMs =
      flags['wait-timeout'] === undefined ? undefined : parseDuration(flags['wait-timeout'], '--wait-timeout')
    const connection = {'endpoint-url': flags['endpoint-url'], profile: flags.profile, region: flags.region}
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(connection)})
    const jobId = parseJobId(args.job!, 'JOB', recentJobs(settings, flags.local).resolve)
    const pending = await buildRerunPackage(flags)
    const [{connect, connectSettings}, {loadOldJob, submitRerun}] = await Promise.all([
      import('../connect.js'),
      import('../batch/rerun/service.js'),
    ])
    const clients = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const old = await loadOldJob(clients.batch, jobId, changesDefinition(changes))
    const context = {dryRun: Boolean(flags['dry-run']), local: Boolean(flags.local), old, s3: clients.s3!}
    const packaged = await packageRerun(pending, planRerun(old, changes), {
      ...context,
      settingsRoot: settings.packageRoot,
    })
    for (const notice of packaged.notices) process.stderr.write(`${this.config.bin}: ${notice}\n`)
    const {rerunTasks} = await import('../batch/tasks/rerun.js')
    const swept = await rerunTasks(packaged.requests, {
      arraySize: changes.arraySize,
      batch: clients.batch,
      dryRun: Boolean(flags['dry-run']),
      failedOnly: flags.failed,
      old,
      s3: clients.s3!,
    })
    for (const notice of swept.notices) process.stderr.write(`${this.config.bin}: ${notice}\n`)
    const {requests} = swept
    const pkg = packaged.package ? {package: packaged.package} : {}
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) process.stdout.write(jsonDocument(maskEnvironments({...requests, ...pkg})))
      return {...requests, ...pkg}
    }

    const made = await submitRerun(clients.batch, requests)
    const platform = old.job.platformCapabilities?.includes('FARGATE') ? 'FARGATE' : 'EC2'
    const job: Submission = {...made, defaultedQueue: false, platform, warnings: []}
    const queueName = job.jobQueue.split('/').pop() ?? job.jobQueue
    recordSubmitted(settings, flags.local, {...job, jobQueue: queueName})
    const shown = connectionArgs(flags)
    const notes = [`rerun of job ${jobId}`, ...submittedLines({...job, jobQueue: queueName}, this.config.bin, shown)]
    if (!flags.quiet) for (const line of notes) process.stderr.write(`${this.config.bin}: ${line}\n`)
    const result = {...submitResult(job), rerunOf: jobId, ...pkg}
    if (!this.jsonEnabled() && !flags.follow) process.stdout.write(`${job.jobId}\n`)
    if (!waits) return result
    const {waitAndReport} = await import('../wait/submit-wait.js')
    const graceMs = flags.follow ? followGraceMs() : undefined
    const wait = {bin: this.config.bin, connection: shown, graceMs, timeoutMs}
    return this.exit(await waitAndReport(clients, job, result, {...flags, ...wait, json: this.jsonEnabled()}))
  }

  protected override waitsOnJob(): boolean {
    const end = this.argv.indexOf('--')
    return (end === -1 ? this.argv : this.argv.slice(0, end)).some((arg) => WAITING_FLAGS.test(arg))
  }
}
