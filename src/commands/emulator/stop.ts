import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {stopDaemon} from '../../emulator/daemon'
import {defaultStateDir} from '../../emulator/local'
import {stoppedJobsText} from '../../emulator/stop-record'
import {exitCodeHelp} from '../../exit-codes'

/** `emulator stop --json`: a stable contract. */
export interface StopResult {
  endpoint: null | string
  pid: null | number
  stateDir: string
  /** False when no background emulator was running (not an error). */
  stopped: boolean
  /** Running jobs the emulator stopped with it; null when it could not say (it had to be killed). */
  stoppedJobs: null | number
}

export default class EmulatorStop extends BaseCommand {
  static override description = `Stops the emulator that \`emulator start\` or --local started with this state directory: SIGTERM, up to 5 \
seconds for it to finish, then SIGKILL. Jobs still running stop with it, and the note on stderr says how many. Its \
pid file is removed; its state and logs are kept for the next start. Nothing running is not an error: a note goes to \
stderr and the exit code is 0. An emulator running in the foreground (\`mfbatch emulator\`) is not touched: stop it \
where it runs.

--json prints {stopped, endpoint, pid, stateDir, stoppedJobs}; stoppedJobs is null when the emulator had to be \
killed before it could count them.

ENVIRONMENT
  XDG_DATA_HOME   the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq .stoppedJobs', description: 'How many jobs it stopped.'},
  ]
  static override flags = {
    'state-dir': Flags.string({summary: 'State directory of the emulator to stop.'}),
  }
  static override summary = 'Stop the background emulator.'

  async run(): Promise<StopResult> {
    const {flags} = await this.parse(EmulatorStop)
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const stopped = await stopDaemon(stateDir)
    const jobs = stopped?.stoppedJobs === undefined ? '' : stoppedJobsText(stopped.stoppedJobs)
    const note = stopped
      ? `stopped the emulator at ${stopped.endpoint} (pid ${stopped.pid})${jobs}; its state stays in ${stateDir}`
      : `no background emulator is running for ${stateDir}; nothing to stop`
    process.stderr.write(`${this.config.bin}: ${note}\n`)
    return {
      endpoint: stopped?.endpoint ?? null,
      pid: stopped?.pid ?? null,
      stateDir,
      stopped: stopped !== undefined,
      stoppedJobs: stopped?.stoppedJobs ?? null,
    }
  }
}
