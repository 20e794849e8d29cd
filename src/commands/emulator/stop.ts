import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {stopDaemon} from '../../emulator/daemon'
import {defaultStateDir} from '../../emulator/local'
import {exitCodeHelp} from '../../exit-codes'

export default class EmulatorStop extends BaseCommand {
  static override description = `Stops the emulator that \`emulator start\` or --local started with this state directory: SIGTERM, up to 5 \
seconds for it to finish, then SIGKILL. Its pid file is removed; its state and logs are kept for the next start. \
Nothing running is not an error: a note goes to stderr and the exit code is 0. An emulator running in the foreground \
(\`mfbatch emulator\`) is not touched: stop it where it runs.

ENVIRONMENT
  XDG_DATA_HOME   the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)

${exitCodeHelp(false)}`
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {
    'state-dir': Flags.string({summary: 'State directory of the emulator to stop.'}),
  }
  static override summary = 'Stop the background emulator.'

  async run(): Promise<void> {
    const {flags} = await this.parse(EmulatorStop)
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const stopped = await stopDaemon(stateDir)
    const note = stopped
      ? `stopped the emulator at ${stopped.endpoint} (pid ${stopped.pid}); its state stays in ${stateDir}`
      : `no background emulator is running for ${stateDir}; nothing to stop`
    process.stderr.write(`${this.config.bin}: ${note}\n`)
  }
}
