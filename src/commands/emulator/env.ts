import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {detectAwsCli} from '../../emulator/aws-cli'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {defaultStateDir, PORT_ENV, shellEnvironment} from '../../emulator/local'
import {type MetaflowEnvironment, metaflowEnvironment, metaflowExportLines} from '../../emulator/metaflow-env'
import {awsCliNote, type EmulatorEnvironment, exportLines} from '../../emulator/shell-env'
import {PRIVATE_UMASK} from '../../emulator/state-dir'
import {invalid} from '../../errors'
import {exitCodeHelp} from '../../exit-codes'
import {emulatorPortFlag} from '../../flags/emulator'

export default class EmulatorEnv extends BaseCommand {
  static override description = `Prints the variables that point AWS clients at the emulator of this state directory, signed with its \
own credentials (<state dir>/credentials, created at its first start, or now when there is none yet): \
AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_DEFAULT_REGION (for older \
botocore) as POSIX export lines (values single-quoted), then "unset AWS_SESSION_TOKEN AWS_PROFILE" so nothing else \
signs. The endpoint is the port of the emulator of this state dir when one runs, else --port. --json prints the \
variables as one object.

Before printing, whatever answers at the endpoint must prove it is this emulator, listening there; when something \
else holds the port, nothing is printed, a line on stderr says what to do, and the exit code is 1. When nothing \
answers yet, the lines are printed and a note on stderr says how to start it.

Who reads AWS_ENDPOINT_URL: mfbatch, the AWS SDKs for JavaScript v3, boto3 1.28 and later, the AWS CLI v2 from 2.13 \
and v1 from 1.29. Older AWS CLIs (Debian 12's 2.9) ignore it and call AWS: give them --endpoint-url \
"$AWS_ENDPOINT_URL". The command runs the aws on PATH once (aws --version) and, when it is one of those, says so on \
stderr with the flag to add and a shell function to paste.

--metaflow adds the METAFLOW_* lines that send Metaflow's @batch steps to the emulator: the datastore in its \
bucket mfbatch-metaflow (made at its start), METAFLOW_S3_ENDPOINT_URL, the queue "local", a job role, a task \
execution role (which @batch(queue="local-fargate") needs), local metadata.

The output holds the emulator's secret: anyone with it can run commands as you through the emulator.

ENVIRONMENT
  ${PORT_ENV}   the port (default ${EMULATOR_DEFAULT_PORT})
  XDG_DATA_HOME           the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    {command: 'eval "$(<%= config.bin %> <%= command.id %>)"', description: 'Set up this shell for the emulator.'},
    {
      command:
        'eval "$(<%= config.bin %> <%= command.id %>)" && aws --endpoint-url "$AWS_ENDPOINT_URL" batch describe-job-queues',
      description: 'Any AWS CLI, 2.9 included, with --endpoint-url.',
    },
    '<%= config.bin %> <%= command.id %> --state-dir /tmp/emu --port 4600 --json',
    {
      command: 'eval "$(<%= config.bin %> <%= command.id %> --metaflow)" && python flow.py run --with batch',
      description: "Run a Metaflow flow's @batch steps on the emulator.",
    },
  ]
  static override flags = {
    metaflow: Flags.boolean({summary: 'Add the METAFLOW_* lines that point Metaflow at the emulator.'}),
    port: emulatorPortFlag('Port of the emulator when none of this state dir runs.'),
    'state-dir': Flags.string({summary: 'State directory of the emulator.'}),
  }
  static override summary = 'Print export lines that point AWS clients at the emulator with its credentials.'

  async run(): Promise<EmulatorEnvironment & Partial<MetaflowEnvironment>> {
    const {flags} = await this.parse(EmulatorEnv)
    if (flags['state-dir']?.trim() === '') throw invalid('--state-dir', flags['state-dir'], 'use a directory path')
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    process.umask(PRIVATE_UMASK)
    const [{answering, env}, cli] = await Promise.all([shellEnvironment(stateDir, flags.port), detectAwsCli()])
    const notes = awsCliNote(cli) ?? []
    if (!answering) {
      const where = flags['state-dir'] === undefined ? '' : ` --state-dir ${flags['state-dir']}`
      notes.unshift(
        `nothing answers at ${env.AWS_ENDPOINT_URL} yet; start it: ${this.config.bin} emulator start${where}`,
      )
    }

    for (const line of notes) process.stderr.write(`${this.config.bin}: ${line}\n`)
    const metaflow = flags.metaflow ? metaflowEnvironment(env.AWS_ENDPOINT_URL) : undefined
    if (!this.jsonEnabled())
      this.log([...exportLines(env), ...(metaflow ? metaflowExportLines(metaflow) : [])].join('\n'))
    return {...env, ...metaflow}
  }
}
