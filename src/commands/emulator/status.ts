import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {FidelityReport, readFidelity} from '../../emulator/batch/engine/fidelity'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {daemonStatus, DaemonStatus} from '../../emulator/daemon'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {emulatorPortFlag} from '../../flags/emulator'

export default class EmulatorStatus extends BaseCommand {
  static override description = `Tells whether the background emulator of this state directory runs (from its pid file, removed when its \
process is gone) and whether it answers; with no background one, whether any emulator answers on the port (one run in \
the foreground). --json gives the same as one JSON object: running, healthy, managed (started by \`emulator start\` or \
--local), endpoint, port, stateDir, and pid, startedAt and logFile when managed; with a running emulator of this state \
directory also runtime (process or docker), limits (the memory mechanism: cgroup-v2, cgroup-v1, watchdog or none, \
and why better ones are out) and gpus (the device ids it hands out, and where they came from).

ENVIRONMENT
  ${PORT_ENV}   the port to probe when no pid file exists (default ${EMULATOR_DEFAULT_PORT})
  XDG_DATA_HOME           the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)

EXIT CODES
  0       an emulator is running
  1       none is running
  2       bad usage`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> >/dev/null || <%= config.bin %> emulator start',
  ]
  static override flags = {
    port: emulatorPortFlag('Port to probe when no background emulator is recorded.'),
    'state-dir': Flags.string({summary: 'State directory of the emulator.'}),
  }
  static override summary = 'Show whether the local emulator is running.'

  async run(): Promise<DaemonStatus & Partial<FidelityReport>> {
    const {flags} = await this.parse(EmulatorStatus)
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const status: DaemonStatus & Partial<FidelityReport> = {...(await daemonStatus(stateDir, flags.port))}
    // What the running emulator enforces, from the record it wrote at start.
    const fidelity = status.running ? readFidelity(stateDir) : undefined
    if (fidelity) Object.assign(status, fidelity)
    // Like pgrep: a script can ask `if mfbatch emulator status; then` without reading the output.
    if (!status.running) process.exitCode = 1
    if (!this.jsonEnabled()) this.log(describe(status) + (fidelity ? `\n${enforcement(fidelity)}` : ''))
    return status
  }
}

function describe(s: DaemonStatus): string {
  if (!s.running) return `not running (state: ${s.stateDir})`
  const health = s.healthy ? 'answering' : 'not answering'
  if (!s.managed) return `running in the foreground at ${s.endpoint}, ${health}`
  return `running at ${s.endpoint}, ${health} (pid ${s.pid}, since ${s.startedAt}, state: ${s.stateDir}, log: ${s.logFile})`
}

function enforcement(f: FidelityReport): string {
  const gpus = f.gpus.ids.length === 0 ? 'none' : `${f.gpus.ids.length} (${f.gpus.ids.join(', ')})`
  // The docker runtime leaves memory limits to Docker (the container's --memory).
  const limits = f.runtime === 'docker' ? 'docker' : f.limits.mechanism
  return `runtime: ${f.runtime ?? 'process'}; memory limits: ${limits}; GPUs: ${gpus}`
}
