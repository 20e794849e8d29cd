import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command'
import {CATALOG, settingsFromFlags} from '../config/catalog'
import {resolveCheckedFromEnvironment} from '../config/load'
import {localSettings} from '../connect'
import {ExitCode, exitCodeHelp} from '../exit-codes'
import {awsFlags} from '../flags/aws'
import {connectFlags} from '../flags/connect'
import {problemLines, settingsLines, type SettingsPayload, settingsPayload} from '../output/config-view'
import {guardBrokenPipe, writeLines} from '../output/pipe'
import {currentTerminal} from '../output/terminal'

/** One line per variable (oclif wraps long lines and drops their indent), most specific key of a setting first. */
const ENVIRONMENT = [
  ...CATALOG.flatMap((spec) => spec.env.map((key, i) => `${key.padEnd(36)} ${spec.name}${i > 0 ? ' (fallback)' : ''}`)),
  `${'METAFLOW_HOME, METAFLOW_PROFILE'.padEnd(36)} which Metaflow global file`,
].join('\n')

export default class Config extends BaseCommand {
  static override description = `Settings come from, highest first: a flag, an environment variable, the project \
config file, Metaflow's local config, Metaflow's global config, the built-in default.

The project config file is the first of package.json ("mfbatch" key), .mfbatchrc, .mfbatchrc.json, \
.mfbatchrc.yaml, .mfbatchrc.yml, mfbatch.config.js, .cjs or .mjs found from the working directory upward (to your \
home directory or the repository root, whichever comes first); its keys are the setting names printed here. \
Metaflow's local config is .metaflow/config.json in the nearest directory that has a .metaflow folder. Both are \
read only where the file and its folder belong to you or root and nobody else can write them; a file skipped for \
that is named on stderr. Metaflow's global config is $METAFLOW_HOME/config.json (~/.metaflowconfig by default), or \
config_$METAFLOW_PROFILE.json when METAFLOW_PROFILE is set. Where a setting reads several keys, a more specific \
key set anywhere beats a more generic one set anywhere, as in Metaflow; a user named root is skipped.

With --local, the settings as --local makes them for every other command: the endpoint is the local emulator's \
(127.0.0.1:4589, or the port in MFBATCH_EMULATOR_PORT) and, unless a region is set, the region is the emulator's \
us-east-1. Nothing is started.

A terminal gets a table; a pipe gets one "name<TAB>value<TAB>source" line per setting. A value of the wrong kind \
(a file's "memory": "lots", "tags": 3, METAFLOW_DEFAULT_RUNTIME_LIMIT=soon) gets a fourth field, "invalid: ..." \
saying what is allowed, one line on stderr naming its source, an "error" key in --json, and exit code 2.

ENVIRONMENT
${ENVIRONMENT}

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Show every setting and its source.'},
    {
      command: String.raw`<%= config.bin %> <%= command.id %> | awk -F'\t' '$1 == "queue" {print $3}'`,
      description: 'Where does the queue come from?',
    },
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'The same as JSON, for scripts.'},
    {
      command:
        "<%= config.bin %> <%= command.id %> --json | jq -r '.settings | to_entries[] | select(.value.error) | .key'",
      description: 'Which settings have a wrong value (the command then exits 2)?',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --local --json | jq -r .settings.endpointUrl.value',
      description: 'Where --local sends requests.',
    },
  ]
  static override flags = {
    ...awsFlags,
    local: Flags.boolean({
      description: 'Show the settings as --local makes them: the local emulator as the endpoint (nothing is started).',
      helpGroup: connectFlags.local.helpGroup,
    }),
  }
  static override summary = 'Show every setting, its value and where it came from.'

  async run(): Promise<SettingsPayload> {
    const {flags} = await this.parse(Config)
    const checked = await resolveCheckedFromEnvironment({flags: settingsFromFlags(flags)})
    const {problems} = checked
    const resolved = flags.local ? localSettings(checked.resolved) : checked.resolved
    if (!this.jsonEnabled()) {
      const terminal = currentTerminal()
      guardBrokenPipe()
      writeLines(settingsLines(resolved, {columns: terminal.columns, tty: terminal.stdoutTty}, problems))
    }

    const wrong = problemLines(problems)
    for (const line of wrong) process.stderr.write(`${this.config.bin}: ${line}\n`)
    if (wrong.length > 0) process.exitCode = ExitCode.Usage
    return settingsPayload(resolved, problems)
  }
}
