/**
 * oclif's help, plus what no manifest can know: `mfbatch emulator --help` ends with the memory mechanism and the
 * GPUs this machine would give the emulator (worked out when the help is shown, without making anything).
 */
import {Command, Help} from '@oclif/core'

export default class MfbatchHelp extends Help {
  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command)
    if (command.id !== 'emulator') return
    const {thisMachine} = await import('./emulator/batch/engine/this-machine.js')
    this.log(thisMachine())
  }
}
