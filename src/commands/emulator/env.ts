import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {loadOrCreateCredentials} from '../../emulator/auth/credentials-file'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {endpointOf, readDaemon} from '../../emulator/daemon'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {type MetaflowEnvironment, metaflowEnvironment, metaflowExportLines} from '../../emulator/metaflow-env'
import {emulatorEnvironment, type EmulatorEnvironment, exportLines} from '../../emulator/shell-env'
import {ensurePrivateDir, PRIVATE_UMASK} from '../../emulator/state-dir'
import {invalid} from '../../errors'
import {exitCodeHelp} from '../../exit-codes'
import {emulatorPortFlag} from '../../flags/emulator'

export default class EmulatorEnv extends BaseCommand {
  static override description = `Prints the variables that point the AWS CLI, boto3 or any AWS SDK at the emulator of this state directory, \
signed with its own credentials (<state dir>/credentials, created at its first start, or now when there is none yet): \
AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_DEFAULT_REGION (for older \
botocore) as POSIX export lines (values \
single-quoted), then "unset AWS_SESSION_TOKEN AWS_PROFILE" so nothing else signs. The endpoint is the port of the \
background emulator of this state dir when one runs, else --port. --json prints the variables as one object.

--metaflow adds the METAFLOW_* lines that send Metaflow's @batch steps to the emulator: the datastore in its \
bucket mfbatch-metaflow (made at its start), METAFLOW_S3_ENDPOINT_URL, the queue "local", a job role, local metadata.

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
      description: 'The AWS CLI v2 then needs only --endpoint-url.',
    },
    '<%= config.bin %> <%= command.id %> --state-dir /tmp/emu --port 4600 --json',
    {
      command: 'eval "$(<%= config.bin %> <%= command.id %> --metaflow)" && python flow.py run --with batch',
      description: "Run a Metaflow flow's @batch steps on the emulator.",
    },
  ]
  static override flags = {
    metaflow: Flags.boolean({summary: 'Add the METAFLOW_* lines that point Metaflow at the emulator.'}),
    port: emulatorPortFlag('Port of the emulator when no background one of this state dir runs.'),
    'state-dir': Flags.string({summary: 'State directory of the emulator.'}),
  }
  static override summary = 'Print export lines that point AWS clients at the emulator with its credentials.'

  async run(): Promise<EmulatorEnvironment & Partial<MetaflowEnvironment>> {
    const {flags} = await this.parse(EmulatorEnv)
    if (flags['state-dir']?.trim() === '') throw invalid('--state-dir', flags['state-dir'], 'use a directory path')
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    process.umask(PRIVATE_UMASK)
    ensurePrivateDir(stateDir)
    const credentials = loadOrCreateCredentials(stateDir)
    const endpoint = readDaemon(stateDir)?.endpoint ?? endpointOf(flags.port)
    const env = emulatorEnvironment(endpoint, credentials)
    const metaflow = flags.metaflow ? metaflowEnvironment(endpoint) : undefined
    if (!this.jsonEnabled())
      this.log([...exportLines(env), ...(metaflow ? metaflowExportLines(metaflow) : [])].join('\n'))
    return {...env, ...metaflow}
  }
}
