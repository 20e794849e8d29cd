import type {ResolvedSettings} from '../config/types'

import {BaseCommand} from '../base-command'
import {planDryRun, type SubmitInputs} from '../batch/dry-run'
import {type BatchRequests} from '../batch/requests'
import {commandAfterDashDash, environmentHelp, submitFlags, submitInputs} from '../batch/submit-flags'
import {settingsFromFlags} from '../config/catalog'
import {resolveFromEnvironment} from '../config/load'
import {RuntimeError} from '../errors'
import {exitCodeHelp} from '../exit-codes'
import {jsonDocument} from '../output/json'
import {guardBrokenPipe} from '../output/pipe'

export default class Submit extends BaseCommand {
  static override description = `Everything after -- is the job's command, passed as is (no shell: use -- sh -c '...' \
for pipes and variables). Settings come from flags, the environment, the project config file and Metaflow's config \
files (see "mfbatch config"). Every value is checked before any AWS call.

Like Metaflow, the job definition holds only what a submit cannot override (image, roles, linux parameters, \
volumes, logging, privileged, secrets, platform) and is named by a hash of its content, so it is registered once \
and reused; cpu, gpu, memory, the command and the environment travel with each job.

Where Metaflow differs, mfbatch follows AWS:
  --swappiness 100 is accepted (Metaflow allows only 0..99)
  --tag is always sent (Metaflow sends tags only with METAFLOW_BATCH_EMIT_TAGS)
  --iam-role is optional, as in the AWS API (Metaflow requires one)
  job names are cleaned to AWS's alphabet (Metaflow sends the user name unchanged)
  EC2-only settings on Fargate are an error naming the setting (Metaflow drops them silently)
  --efa N maps /dev/infiniband/uverbs0..N-1 (Metaflow maps only uverbs0 for a single-node job)

ENVIRONMENT
${environmentHelp()}

${exitCodeHelp(true)}`
  static override enableJsonFlag = true
  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --queue gpu --gpu 1 --memory 16000 -- python train.py --epochs 3',
      description: 'Run a training script on a GPU queue.',
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

  async run(): Promise<BatchRequests> {
    const {argv, flags} = await this.parse(Submit)
    const command = commandAfterDashDash(this.argv, argv)
    const settings = await resolveFromEnvironment({flags: settingsFromFlags(flags)})
    const inputs = submitInputs(flags)
    if (!flags['dry-run']) return submitToAws(settings, command, inputs)
    const plan = planDryRun(settings, command, inputs)
    guardBrokenPipe()
    if (!flags.quiet) for (const notice of plan.notices) this.logToStderr(`${this.config.bin}: ${notice}`)
    for (const warning of plan.warnings) this.logToStderr(`${this.config.bin}: warning: ${warning}`)
    if (!this.jsonEnabled()) process.stdout.write(jsonDocument(plan.requests))
    return plan.requests
  }
}

/** The real submit. It arrives with the AWS calls; until then, only --dry-run works. */
async function submitToAws(
  _settings: ResolvedSettings,
  _command: readonly string[],
  _inputs: SubmitInputs,
): Promise<never> {
  throw new RuntimeError('submitting to AWS is not available in this build; use --dry-run')
}
