/**
 * oclif's help, plus what no manifest can know: `mfbatch emulator --help` ends with the memory mechanism and the
 * GPUs this machine would give the emulator (worked out when the help is shown, without making anything). Help for
 * a command mfbatch does not have (`mfbatch help sumbit`, `mfbatch sumbit -h`) names the nearest one, as running it
 * would.
 */
import {Command, Errors, Help} from '@oclif/core'

import {ExitCode} from './exit-codes'
import {unknownCommandLine} from './hooks/command-not-found'

export default class MfbatchHelp extends Help {
  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command)
    if (command.id !== 'emulator') return
    const {thisMachine} = await import('./emulator/batch/engine/this-machine.js')
    this.log(thisMachine())
  }

  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      const unknown = /^Command (.+) not found\.$/.exec((error as Error).message ?? '')
      if (!unknown) throw error
      process.stderr.write(`${unknownCommandLine(this.config, unknown[1])}\n`)
      throw new Errors.ExitError(ExitCode.Usage)
    }
  }
}
