/**
 * oclif's help, plus what no manifest can know: `mfbatch emulator --help` ends with the memory mechanism and the
 * GPUs this machine would give the emulator (worked out when the help is shown, without making anything).
 * Both the page and the per-command help render their templates through fastRender (output/help-template.ts).
 */
import {Command, CommandHelp, Help, Interfaces} from '@oclif/core'

import {fastRender} from './output/help-template'

class MfbatchCommandHelp extends CommandHelp {
  constructor(command: Command.Loadable, config: Interfaces.Config, opts: Interfaces.HelpOptions) {
    super(command, config, opts)
    this.render = fastRender({command, config}, this.render)
  }
}

export default class MfbatchHelp extends Help {
  override CommandHelpClass = MfbatchCommandHelp

  constructor(config: Interfaces.Config, opts: Partial<Interfaces.HelpOptions> = {}) {
    super(config, opts)
    this.render = fastRender({config}, this.render)
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command)
    if (command.id !== 'emulator') return
    const {thisMachine} = await import('./emulator/batch/engine/this-machine.js')
    this.log(thisMachine())
  }
}
