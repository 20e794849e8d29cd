import type {Interfaces} from '@oclif/core'

import type {OomRetry} from '../batch/oom/grow'
import type {BootstrapSection} from '../batch/package/bootstrap'
import type {SubmitInputs} from '../batch/submit/dry-run'
import type {SubmitTracker} from '../batch/submit/interrupted'
import type {PreparedSubmit, Submission} from '../batch/submit/service'
import type {Extras} from '../batch/submit/ship'
import type {ResolvedSettings} from '../config/types'

import {BaseCommand} from '../base-command'
import {type BatchRequests} from '../batch/definition/requests'
import {recordSubmitted} from '../batch/history/recent'
import {followGraceMs, GRACE_ENV} from '../batch/logs/grace'
import {parseOomRetry} from '../batch/oom/grow'
import {checkSubmitSize} from '../batch/package/limits'
import {type LocalPackage} from '../batch/package/prepare'
import {parseDuration} from '../batch/parse/time'
import {maskEnvironments} from '../batch/secrets'
import {CACHE_DIR_ENV, NO_CACHE_ENV, openSubmitCache} from '../batch/submit/cache'
import {planDryRun} from '../batch/submit/dry-run'
import {jobSection, planInputs} from '../batch/submit/inputs-step'
import {localNames, queueMayGiveWay} from '../batch/submit/local-names'
import {submitNotes} from '../batch/submit/notes'
import {planOutputs} from '../batch/submit/outputs-step'
import {checkOverridesSize} from '../batch/submit/overrides-size'
import {localFileHint, packageSummary, preparePackage} from '../batch/submit/package-step'
import {placeholderJob} from '../batch/submit/placeholder-job'
import {tasksStep} from '../batch/tasks/bootstrap-step'
import {oneRowNote, type PreparedTasks, prepareTasks, tasksObject, withTaskRows} from '../batch/tasks/submit-step'
import {RUNNABLE_AFTER_ENV} from '../batch/watch/create-watcher'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {InputError} from '../errors'
import {ExitCode, exitCodeHelp} from '../exit-codes'
import {
  commandAfterDashDash,
  environmentHelp,
  packageFlagValue,
  rendezvousHelp,
  submitFlags,
  submitInputs,
  WAITING_FLAGS,
  waitsFor,
} from '../flags/submit'
import {inert} from '../output/inert'
import {onInterrupt} from '../output/interrupt'
import {jsonDocument} from '../output/json'
import {guardBrokenPipe} from '../output/pipe'
import {
  connectionArgs,
  interruptedSubmitLines,
  submitResult,
  type SubmitResult,
  submittedLines,
} from '../output/submit-report'
import {uploadProgress} from '../output/upload-progress'
import {writeNote} from '../output/width'

type SubmitFlags = Interfaces.InferredFlags<typeof submitFlags>

export default class Submit extends BaseCommand {
  static override description = `Everything after -- is the job's command, passed as is (no shell: use -- sh -c '...' \
for pipes and variables). Settings come from flags, the environment, the project config file and Metaflow's config \
files (see "mfbatch config"). Every value is checked before any AWS call.

Like Metaflow, the job definition holds only what a submit cannot override (image, roles, linux parameters, \
volumes, logging, privileged, secrets, platform) and is named by a hash of its content, so it is registered once \
and reused; cpu, gpu, memory, the command and the environment travel with each job. The queue's platform and the \
definition's ARN are remembered, so the next submit like it makes one API call (SubmitJob) instead of four; if AWS \
rejects what was remembered, submit forgets it and asks again.

Where Metaflow differs, mfbatch follows AWS:
  --swappiness 100 is accepted (Metaflow allows only 0..99)
  --tag is always sent (Metaflow sends tags only with METAFLOW_BATCH_EMIT_TAGS)
  --iam-role is optional, as in the AWS API (Metaflow requires one)
  job names are cleaned to AWS's alphabet (Metaflow sends the user name unchanged)
  EC2-only settings on Fargate are an error naming the setting (Metaflow drops them silently)
  --efa N maps /dev/infiniband/uverbs0..N-1 (Metaflow maps only uverbs0 for a single-node job)

With --platform auto (the default) the queue's first compute environment decides between EC2 and Fargate. With no \
queue set anywhere, the first ENABLED and VALID queue is used, and stderr says which (once per endpoint).

Only the job id goes to stdout (--follow: the log lines instead; --json: {jobId, jobName, jobArn, jobQueue, \
jobDefinition, platform}; --json --wait: the same, printed once the wait ends, plus "result": {end (finished, \
timeout or interrupted), exitCode (mfbatch's own), status, reason (the container's, else the job's), job (as in \
status --json; null if never described)}); stderr names \
the queue and the exact status, logs and kill commands for the job (--quiet: nothing). --wait prints status \
changes on stderr and exits with the job's result; --follow also prints its log lines on stdout and stops once the \
job has ended and its log is drained. A job RUNNABLE for over a minute gets a diagnosis on stderr. Ctrl-C stops \
waiting (exit 130) and leaves the job running, unless --kill-on-interrupt. A submit whose answer is lost (timeout, \
reset, 5xx) looks for the job it may have made before trying again: one submit makes at most one job.

MULTI-NODE JOBS
--nodes N runs N nodes at once (AWS Batch's multi-node parallel jobs): node 0, the main node, starts first, the \
others once it is RUNNING; the job ends when the main node exits, with its result, and the other nodes are \
stopped then; only a failure of the main node is retried. Each node runs the command through a small sh wrapper \
that exports, from AWS Batch's AWS_BATCH_JOB_* variables at run time:
${rendezvousHelp()}
so "-- torchrun --nproc-per-node 8 train.py" needs no sh -c. Nodes are JOB#0 (the main node) to JOB#N-1: \
"status 'JOB#2'" describes one (--json has its node field), "logs JOB" is the main node's log, "logs 'JOB#2'" a \
child's.

ARRAY JOBS
--array-size N runs N copies of the command, children JOB:0 to JOB:N-1; each child finds its index in \
AWS_BATCH_JOB_ARRAY_INDEX (0..N-1), e.g. -- sh -c 'python shard.py --shard "$AWS_BATCH_JOB_ARRAY_INDEX"'. \
--follow prints every child's log, "[i] " before each line (the first 100 children of a larger array); --wait and \
--follow end when every child has, and exit 0 if all succeeded, else with the exit code of the lowest-index child \
that failed; each failed child is named on stderr with its exit code and reason. "logs JOB:2" reads one child's \
log, "status last:2" shows child 2 of the last job.

ENVIRONMENT
${environmentHelp()}
${RUNNABLE_AFTER_ENV.padEnd(36)} with --wait, diagnose a job RUNNABLE this long (default 1m)
${CACHE_DIR_ENV.padEnd(36)} where submit remembers queues, definitions and recent jobs (default ~/.cache/mfbatch)
${NO_CACHE_ENV.padEnd(36)} 1: remember nothing; describe the queue and the definition every time
${GRACE_ENV.padEnd(36)} the --grace default (3s)

${exitCodeHelp(true)}`
  static override enableJsonFlag = true
  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --queue gpu --gpu 1 --memory 16000 -- python train.py --epochs 3',
      description: 'Run a training script on a GPU queue.',
    },
    {
      command: `JOB=$(<%= config.bin %> <%= command.id %> --queue q -- python train.py) && <%= config.bin %> status $JOB`,
      description: 'In a script: stdout is the job id alone.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --follow -- sh -c \'echo hello; exit 3\'; echo "exit $?"',
      description: "Print the job's log as it runs; the exit code is the job's (3 here).",
    },
    {
      command: '<%= config.bin %> <%= command.id %> --local --package --wait --wait-timeout 1h -- make test',
      description:
        "Run this folder's `make test` on the local emulator (--package ships the folder) and wait at most an hour " +
        '(exit 124 if it runs longer).',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --package --output model.txt --output plots/ --follow -- python train.py',
      description:
        'Train, and bring model.txt and the plots/ folder back here when the job succeeds (a ' +
        'Makefile rule can do this to make model.txt).',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --dry-run --platform ec2 --queue q --shared-memory 1024 -- python train.py',
      description: 'Print the exact AWS requests, without any AWS call.',
    },
    {
      command: `<%= config.bin %> <%= command.id %> --dry-run --platform fargate --queue q --cpu 0.5 --memory 2048 \
--execution-role arn:aws:iam::123456789012:role/ecsTaskExecution -- sh -c 'echo $HOSTNAME'`,
      description: 'A Fargate job: only AWS’s fixed vCPU/memory pairs are accepted.',
    },
  ]
  static override flags = submitFlags
  // The job's command follows `--` and is read from the raw argv (see commandAfterDashDash).
  static override strict = false
  static override summary = "Run a command on AWS Batch with @batch's parameters."
  /** `--oom-retry`/`--oom-factor`, checked before any call. */
  private oom?: OomRetry

  async run(): Promise<BatchRequests | SubmitResult> {
    const {argv, flags} = await this.parse(Submit)
    const command = commandAfterDashDash(this.argv, argv)
    const resolved = await resolveFromEnvironment({
      flagLabels: flags['package-dir'] === undefined ? {} : {package: '--package-dir'},
      flags: {...settingsFromFlags(flags), package: packageFlagValue(flags)},
    })
    const named = localNames(resolved, {dryRun: flags['dry-run'], local: flags.local})
    const {notices} = named
    const inputs = submitInputs(flags)
    const waits = waitsFor({...flags, json: this.jsonEnabled()})
    checkFollowFlags(flags)
    this.oom = parseOomRetry(flags, waits)
    const {settings, tasks} = this.sweep(named.settings, flags)
    const packaged = await preparePackage(settings, flags)
    const outputs = planOutputs(settings, flags.output, {local: flags.local, tasks})
    const where = {cwd: process.cwd(), local: flags.local, packageDir: packaged?.dir}
    const placed = await planInputs(settings, flags.input, where)
    const steps = jobSection(placed, outputs, {
      local: flags.local,
      package: packaged !== undefined,
      settings,
      tasks: tasks && tasksStep(tasksObject(tasks)),
    })
    const section = steps?.section
    this.packageNotes(packaged, command, flags.quiet)
    for (const notice of [(packaged || tasks) && notices.packageRoot, notices.queue]) {
      // To stderr under --json too: a name replaced is a warning, as the submit's own notes are.
      if (notice && !flags.quiet) process.stderr.write(`${this.config.bin}: ${notice}\n`)
    }

    if (!flags['dry-run']) {
      // The AWS side (the SDK, the watch loop, the log reader) is loaded only when it is used: a dry run stays fast.
      const {prepareSubmit} = await import('../batch/submit/service.js')
      const prepared = prepareSubmit(settings, command, inputs)
      const early = placeholderJob(command, settings, {packaged, section, tasks})
      checkOverridesSize(early.settings, early.command, inputs)
      return this.submitToAws(prepared, settings, flags, {
        extras: {inputs: placed, outputs, section, steps: steps?.steps},
        packaged,
        tasks,
        waits,
      })
    }

    return this.dryRun(command, settings, flags, {inputs, packaged, section, tasks})
  }

  protected override waitsOnJob(): boolean {
    const end = this.argv.indexOf('--')
    return (end === -1 ? this.argv : this.argv.slice(0, end)).some((arg) => WAITING_FLAGS.test(arg))
  }

  /** --dry-run: the requests as they would go, on stdout, after the same checks as a real submit (no AWS call). */
  private dryRun(
    command: readonly string[],
    settings: ResolvedSettings,
    flags: SubmitFlags,
    {
      inputs,
      packaged,
      section,
      tasks,
    }: {inputs: SubmitInputs; packaged?: LocalPackage; section?: BootstrapSection; tasks?: PreparedTasks},
  ) {
    const job = placeholderJob(command, settings, {packaged, section, tasks})
    const plan = planDryRun(job.settings, job.command, inputs)
    checkSubmitSize(plan.requests.submitJob)
    guardBrokenPipe()
    if (!flags.quiet) for (const notice of plan.notices) this.logToStderr(`${this.config.bin}: ${notice}`)
    // Warnings go to stderr under --json too (oclif's logToStderr would drop them), as a real submit's do.
    for (const warning of plan.warnings) process.stderr.write(`${this.config.bin}: warning: ${warning}\n`)
    const result = packaged ? {...plan.requests, package: packageSummary(packaged)} : plan.requests
    // For people: secret-looking values masked. --json is for programs: the requests exactly as they would go.
    if (!this.jsonEnabled()) process.stdout.write(jsonDocument(maskEnvironments(result)))
    return result
  }

  /**
   * Ctrl-C while submitting: no SubmitJob is sent again; one lookup says whether the job exists. If it does, its id
   * goes to stdout as after any submit (a script keeps it), and into the recent jobs.
   */
  private async interrupted(
    tracker: SubmitTracker,
    settings: ResolvedSettings,
    flags: SubmitFlags,
    connection: string,
  ) {
    const outcome = await tracker.settle()
    for (const line of interruptedSubmitLines(outcome, this.config.bin, connection)) {
      process.stderr.write(`${this.config.bin}: ${line}\n`)
    }

    const job = outcome.state === 'submitted' ? outcome.job : undefined
    if (job) recordSubmitted(settings, flags.local, {...job, jobQueue: tracker.queue ?? ''})
    if (this.jsonEnabled()) process.stdout.write(jsonDocument({interrupted: true, jobId: job?.jobId ?? null}))
    else if (job && !flags.follow) process.stdout.write(`${job.jobId}\n`)
    return ExitCode.Interrupted
  }

  /** Package warnings, or the hint that a local file in the command will not reach the job. */
  private packageNotes(packaged: LocalPackage | undefined, command: readonly string[], quiet?: boolean): void {
    const hint = packaged ? undefined : localFileHint(command)
    for (const line of [...(packaged?.warnings.map((w) => `warning: ${w}`) ?? []), ...(hint ? [hint] : [])]) {
      // A warning reaches stderr under --json too (oclif's logToStderr drops it there); a hint only without --quiet.
      if (line.startsWith('warning')) process.stderr.write(`${this.config.bin}: ${line}\n`)
      else if (!quiet) this.logToStderr(`${this.config.bin}: ${line}`)
    }
  }

  /** Submits, reports (stdout: the id alone), and with --wait/--follow waits and exits with the job's code. */
  private async submitToAws(
    checked: PreparedSubmit,
    settings: ResolvedSettings,
    flags: SubmitFlags,
    {extras, packaged, tasks, waits}: {extras: Extras; packaged?: LocalPackage; tasks?: PreparedTasks; waits: boolean},
  ) {
    const timeout = flags['wait-timeout']
    const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, '--wait-timeout')
    const graceMs = flags.follow ? followGraceMs(flags.grace) : undefined
    const [{connect, connectSettings}, {submitPrepared}, {SubmitTracker}, {ship}] = await Promise.all([
      import('../connect.js'),
      import('../batch/submit/service.js'),
      import('../batch/submit/interrupted.js'),
      import('../batch/submit/ship.js'),
    ])
    const clients = await connect(connectSettings(settings, flags))
    guardBrokenPipe()
    const connection = connectionArgs(flags)
    const {outputs} = extras
    const progress = process.stderr.isTTY && !flags.quiet && !this.jsonEnabled() ? uploadProgress : undefined
    const shipped = await ship(clients, checked, {extras, packaged, progress, tasks})
    for (const notice of shipped.notices) this.logToStderr(`${this.config.bin}: ${notice}`)
    // A warning reaches stderr under --json too (oclif's logToStderr drops it there).
    for (const warning of shipped.warnings) process.stderr.write(`${this.config.bin}: warning: ${warning}\n`)
    const {prepared} = shipped
    const tracker = new SubmitTracker(clients.batch)
    const interrupt = onInterrupt()
    const cache = openSubmitCache(settings, flags.local)
    const submitting = submitPrepared(tracker.batch, prepared, {
      cache,
      queueMayGiveWay: queueMayGiveWay(settings, flags.local),
    })
    const submitted = await Promise.race([submitting, interrupt.interrupted]).finally(() => interrupt.dispose())
    if (submitted === 'interrupted') {
      submitting.catch(() => {})
      return this.exit(await this.interrupted(tracker, settings, flags, connection))
    }

    const job = submitted
    recordSubmitted(settings, flags.local, job)
    // Queue names come from AWS (or the user's files): shown as text, never as escape sequences.
    const notes = [
      ...submitNotes(job, settings, {cache, local: flags.local}).map((note) => inert(note)),
      ...submittedLines(job, this.config.bin, connection),
    ]
    if (!flags.quiet) for (const line of notes) writeNote(`${this.config.bin}: ${line}`)
    const result = {...submitResult(job), ...(packaged ? {package: packageSummary(packaged, shipped.uploaded)} : {})}
    // With --follow, stdout is the job's log (the id is in the stderr lines above).
    if (!this.jsonEnabled() && !flags.follow) process.stdout.write(`${job.jobId}\n`)
    if (!waits) return result
    const {waitAfterSubmit} = await import('../wait/after-submit.js')
    const record = (made: Submission) =>
      recordSubmitted(settings, flags.local, {...made, jobQueue: made.jobQueue.split('/').pop() ?? made.jobQueue})
    // An array (--array-size, or --tasks of more than one row) or a multi-node job: its children's outputs.
    const children = isArray(settings) || flags.nodes !== undefined
    const after = {...flags, bin: this.config.bin, children, connection, graceMs, json: this.jsonEnabled(), timeoutMs}
    return this.exit(await waitAfterSubmit(clients, job, result, {...after, oom: this.oom, outputs, record}))
  }

  /** `--tasks`: the table read and checked, the array size set from it (before any API call). */
  private sweep(settings: ResolvedSettings, flags: SubmitFlags) {
    const tasks = prepareTasks({
      cwd: process.cwd(),
      file: flags.tasks,
      local: Boolean(flags.local),
      nodes: flags.nodes,
      settings,
    })
    const oneRow = tasks && oneRowNote(tasks)
    if (oneRow && !flags.quiet) process.stderr.write(`${this.config.bin}: ${oneRow}\n`)
    return {settings: tasks ? withTaskRows(settings, tasks) : settings, tasks}
  }
}

/** --all-nodes and --grace shape --follow: without it (or without --nodes) they would do nothing, so they are refused. */
function checkFollowFlags(flags: SubmitFlags): void {
  if (flags['all-nodes'] && !flags.follow) throw new InputError("--all-nodes prints every node's log: add --follow")
  if (flags['all-nodes'] && flags.nodes === undefined) {
    throw new InputError('--all-nodes: only a multi-node job (--nodes N) has a log per node; drop --all-nodes')
  }

  if (flags.grace !== undefined && !flags.follow) throw new InputError('--grace is for --follow: add --follow')
  if (flags.grace !== undefined) parseDuration(flags.grace, '--grace')
}

/** An array job: from --array-size (or the settings), or from a --tasks table of more than one row. */
function isArray(settings: ResolvedSettings): boolean {
  return settings.arraySize.value !== undefined && settings.arraySize.value !== null
}
