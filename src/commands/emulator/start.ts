import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {readFidelity} from '../../emulator/batch/engine/fidelity'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {startDaemon} from '../../emulator/daemon'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {RUNTIME_ENV} from '../../emulator/runtime'
import {exitCodeHelp} from '../../exit-codes'
import {emulatorPortFlag, emulatorRuntimeFlag} from '../../flags/emulator'

export default class EmulatorStart extends BaseCommand {
  static override description = `Runs \`mfbatch emulator\` detached, writes its pid, port and start time to emulator.pid in the state \
directory and its output to emulator.log there, waits until it answers, then prints its endpoint on stdout. When an \
emulator already answers, nothing is started and its endpoint is printed: running it twice is safe. This is what \
--local does by itself when no emulator answers.

ENVIRONMENT
  ${PORT_ENV}   the port (default ${EMULATOR_DEFAULT_PORT})
  XDG_DATA_HOME           the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)
  ${RUNTIME_ENV} process or docker, when --runtime is not given (--local reads it too)

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> >/dev/null && eval "$(<%= config.bin %> emulator env)"',
  ]
  static override flags = {
    gpus: Flags.integer({
      helpValue: 'N',
      min: 0,
      summary: 'Offer N made-up GPUs (GPU-fake-0, ...) instead of the ones `nvidia-smi -L` lists.',
    }),
    port: emulatorPortFlag('Port to listen on (127.0.0.1).'),
    runtime: emulatorRuntimeFlag(),
    'state-dir': Flags.string({summary: 'Where jobs, logs, the pid file and the log file live.'}),
  }
  static override summary = 'Start the local emulator in the background.'

  async run(): Promise<{endpoint: string; pid?: number; started: boolean; stateDir: string}> {
    const {flags} = await this.parse(EmulatorStart)
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const {endpoint, record, started} = await startDaemon(stateDir, flags.port, {
      gpus: flags.gpus,
      runtime: flags.runtime,
    })
    const who = record ? `pid ${record.pid}, state: ${record.stateDir}, log: ${record.logFile}` : 'not started here'
    // Straight to stderr: oclif's logToStderr is silent under --json, and these notes matter there too.
    const note = started ? `started the emulator at ${endpoint}` : `already running: the emulator at ${endpoint}`
    process.stderr.write(`${this.config.bin}: ${note} (${who})\n`)
    if (started) process.stderr.write(`${this.config.bin}: stop it with: ${this.config.bin} emulator stop\n`)
    const running = started ? undefined : (readFidelity(record?.stateDir ?? stateDir)?.runtime ?? 'process')
    if (running !== undefined && flags.runtime !== undefined && running !== flags.runtime) {
      process.stderr.write(
        `${this.config.bin}: warning: it runs jobs with the ${running} runtime, not ${flags.runtime}; to change: ` +
          `${this.config.bin} emulator stop && ${this.config.bin} emulator start --runtime ${flags.runtime}\n`,
      )
    }

    if (!this.jsonEnabled()) this.log(endpoint)
    return {endpoint, pid: record?.pid, started, stateDir: record?.stateDir ?? stateDir}
  }
}
