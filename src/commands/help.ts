import {Args, Command, Flags, loadHelpClass} from '@oclif/core'

/**
 * `mfbatch help [COMMAND]`: the same pages as `--help`, through oclif's help class (src/help.ts). Part of the
 * bundle rather than @oclif/plugin-help's copy, so showing help loads no second @oclif/core.
 */
export default class HelpCommand extends Command {
  static override args = {
    command: Args.string({description: 'Command to show help for.', required: false}),
  }
  static override description = 'Display help for <%= config.bin %>.'
  static override examples = ['<%= config.bin %> help submit', '<%= config.bin %> help emulator start']
  static override flags = {
    'nested-commands': Flags.boolean({char: 'n', description: 'Include all nested commands in the output.'}),
  }
  static override strict = false

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(HelpCommand)
    const Help = await loadHelpClass(this.config)
    await new Help(this.config, {all: flags['nested-commands']}).showHelp(argv as string[])
  }
}
