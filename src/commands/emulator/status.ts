import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {FidelityReport, readFidelity} from '../../emulator/batch/engine/fidelity'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {daemonStatus, DaemonStatus} from '../../emulator/daemon'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {emulatorPortFlag} from '../../flags/emulator'

export default class EmulatorStatus extends BaseCommand {
  static override description = `Tells whether the emulator of this state directory runs (in the background, from its pid file, or in \
the foreground, from the lock it holds on the state directory), what it offers, and whether it answers: "answering" \
means it proved, with the secret of the state directory, that it is this emulator listening on the port asked (a \
process relaying the port to it does not pass). With none running, whatever answers on the port is asked the same; \
when something else holds the port, a line on stderr says so and what to do, and the exit code is 1. --json gives \
one JSON object: running, healthy, managed (started by \`emulator start\` or --local), endpoint, port, stateDir, \
pid and startedAt, logFile when managed, capacity (vCPUs and MiB per compute environment), portHeld (why nothing \
was sent to what holds the port); with a running emulator also runtime (process or docker), limits (the memory mechanism: cgroup-v2, cgroup-v1, \
watchdog or none, and why better ones are out) and gpus (the device ids it hands out, and where they came from).

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
    if (status.portHeld) process.stderr.write(`${this.config.bin}: ${status.portHeld}\n`)
    if (!this.jsonEnabled()) this.log(describe(status) + (fidelity ? `\n${enforcement(fidelity)}` : ''))
    return status
  }
}

function describe(s: DaemonStatus): string {
  if (!s.running) return `not running (state: ${s.stateDir})`
  const health = s.healthy ? 'answering' : 'not answering'
  const offers = s.capacity
    ? `\noffers ${s.capacity.vcpus} vCPUs and ${s.capacity.memoryMiB} MiB per compute environment`
    : ''
  const pid = s.pid === undefined ? '' : ` (pid ${s.pid}, since ${s.startedAt}, state: ${s.stateDir})`
  if (!s.managed) return `running in the foreground at ${s.endpoint}, ${health}${pid}${offers}`
  return `running at ${s.endpoint}, ${health} (pid ${s.pid}, since ${s.startedAt}, state: ${s.stateDir}, log: ${s.logFile})${offers}`
}

function enforcement(f: FidelityReport): string {
  const gpus = f.gpus.ids.length === 0 ? 'none' : `${f.gpus.ids.length} (${f.gpus.ids.join(', ')})`
  // The docker runtime leaves memory limits to Docker (the container's --memory).
  const limits = f.runtime === 'docker' ? 'docker' : f.limits.mechanism
  return `runtime: ${f.runtime ?? 'process'}; memory limits: ${limits}; GPUs: ${gpus}`
}
