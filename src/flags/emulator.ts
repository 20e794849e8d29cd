import {Flags} from '@oclif/core'

import {EMULATOR_DEFAULT_PORT} from '../emulator/contract'
import {PORT_ENV} from '../emulator/local'
import {EMULATOR_RUNTIMES, EmulatorRuntime, RUNTIME_ENV} from '../emulator/runtime'
import {invalid} from '../errors'

/** `--port` of the emulator commands: the default port, MFBATCH_EMULATOR_PORT, and what the port means here. */
export function emulatorPortFlag(summary: string, min: 0 | 1 = 1) {
  return Flags.integer({default: EMULATOR_DEFAULT_PORT, env: PORT_ENV, max: 65_535, min, summary})
}

/** `--runtime` of `emulator` and `emulator start`: how attempts run; MFBATCH_EMULATOR_RUNTIME when not given. */
export function emulatorRuntimeFlag() {
  return Flags.custom<EmulatorRuntime>({
    env: RUNTIME_ENV,
    helpValue: EMULATOR_RUNTIMES.join('|'),
    async parse(input) {
      const runtime = EMULATOR_RUNTIMES.find((name) => name === input)
      if (runtime === undefined) throw invalid('--runtime', input, `use ${EMULATOR_RUNTIMES.join(' or ')}`)
      return runtime
    },
    summary:
      "How jobs run: process (on this machine, the image unused) or docker (a container of the job's image) " +
      '[default: process].',
  })()
}
