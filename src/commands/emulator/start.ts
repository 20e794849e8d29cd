import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command'
import {readFidelity} from '../../emulator/batch/engine/fidelity'
import {EMULATOR_DEFAULT_PORT} from '../../emulator/contract'
import {BACKGROUND_MIN_MEMORY_MIB, BACKGROUND_MIN_VCPUS, backgroundCapacity, startDaemon} from '../../emulator/daemon'
import {busyMessage} from '../../emulator/instance-lock'
import {defaultStateDir, PORT_ENV} from '../../emulator/local'
import {RUNTIME_ENV} from '../../emulator/runtime'
import {RuntimeError} from '../../errors'
import {exitCodeHelp} from '../../exit-codes'
import {emulatorPortFlag, emulatorRuntimeFlag, mebibytesFlag} from '../../flags/emulator'

export default class EmulatorStart extends BaseCommand {
  static override description = `Runs \`mfbatch emulator\` detached, writes its pid, port and start time to emulator.pid in the state \
directory and its output to emulator.log there, waits until it answers and proves it is the emulator of this state \
directory listening on the port, then prints its endpoint on stdout. This is what --local does by itself when no \
emulator answers.

One emulator runs per state directory: when this one's already runs (in the background or in the foreground, on \
this port or another), nothing is started or changed, and the command names it (pid, port) and exits 1. When \
something else holds the port (another program, the emulator of another state directory, or a process relaying to \
an emulator elsewhere), the command says so, sends it nothing and exits 1.

Each compute environment offers ${BACKGROUND_MIN_VCPUS} vCPUs and ${BACKGROUND_MIN_MEMORY_MIB} MiB, or this \
machine's cores and memory when it has more: vCPUs and memory are counted to schedule jobs, not reserved, so the \
examples of the README (--nodes 3, --cpu 4 --memory 16000) run on a laptop. --vcpus and --memory change that.

ENVIRONMENT
  ${PORT_ENV}   the port (default ${EMULATOR_DEFAULT_PORT})
  XDG_DATA_HOME           the default state directory is $XDG_DATA_HOME/mfbatch/emulator (~/.local/share/...)
  ${RUNTIME_ENV} process or docker, when --runtime is not given (--local reads it too)

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {
      command: '<%= config.bin %> emulator status >/dev/null || <%= config.bin %> <%= command.id %>',
      description: 'Start it unless it already runs.',
    },
    '<%= config.bin %> <%= command.id %> --vcpus 64 --memory 256GiB',
  ]
  static override flags = {
    gpus: Flags.integer({
      helpValue: 'N',
      min: 0,
      summary: 'Offer N made-up GPUs (GPU-fake-0, ...) instead of the ones `nvidia-smi -L` lists.',
    }),
    memory: mebibytesFlag({
      helpValue: 'SIZE',
      summary: `Memory of each compute environment in MiB, or a size such as 64GiB [default: this machine's, at least ${BACKGROUND_MIN_MEMORY_MIB}].`,
    }),
    port: emulatorPortFlag('Port to listen on (127.0.0.1).'),
    runtime: emulatorRuntimeFlag(),
    'state-dir': Flags.string({summary: 'Where jobs, logs, the pid file and the log file live.'}),
    vcpus: Flags.integer({
      min: 1,
      summary: `vCPUs of each compute environment [default: this machine's, at least ${BACKGROUND_MIN_VCPUS}].`,
    }),
  }
  static override summary = 'Start the local emulator in the background.'

  async run(): Promise<{
    capacity: {memoryMiB: number; vcpus: number}
    endpoint: string
    pid?: number
    started: boolean
    stateDir: string
  }> {
    const {flags} = await this.parse(EmulatorStart)
    const stateDir = flags['state-dir'] ?? defaultStateDir()
    const fallback = backgroundCapacity()
    const capacity = {memoryMiB: flags.memory ?? fallback.memoryMiB, vcpus: flags.vcpus ?? fallback.vcpus}
    const {endpoint, instance, record, started} = await startDaemon(stateDir, flags.port, {
      capacity,
      gpus: flags.gpus,
      runtime: flags.runtime,
    })
    if (!started) {
      const running = readFidelity(stateDir)?.runtime ?? 'process'
      const other =
        flags.runtime !== undefined && running !== flags.runtime
          ? `; it runs jobs with the ${running} runtime, not ${flags.runtime}: to change, ${this.config.bin} emulator stop && ${this.config.bin} emulator start --runtime ${flags.runtime}`
          : ''
      const busy = instance ? busyMessage(instance) : `the emulator of ${stateDir} already answers at ${endpoint}`
      throw new RuntimeError(`${busy}${other}`)
    }

    // Straight to stderr: oclif's logToStderr is silent under --json, and these notes matter there too.
    const who = `pid ${record?.pid}, state: ${stateDir}, log: ${record?.logFile}`
    const offers = `${capacity.vcpus} vCPUs and ${capacity.memoryMiB} MiB per compute environment`
    process.stderr.write(`${this.config.bin}: started the emulator at ${endpoint} (${who}); it offers ${offers}\n`)
    process.stderr.write(`${this.config.bin}: stop it with: ${this.config.bin} emulator stop\n`)
    if (!this.jsonEnabled()) this.log(endpoint)
    return {capacity, endpoint, pid: record?.pid, started, stateDir}
  }
}
