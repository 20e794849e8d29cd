import {Flags} from '@oclif/core'

import {size, sizeAllowed} from '../batch/parse/memory-size'
import {EMULATOR_DEFAULT_PORT, PORT_ENV} from '../emulator/contract'
import {EMULATOR_RUNTIMES, EmulatorRuntime, RUNTIME_ENV} from '../emulator/runtime'
import {invalid} from '../errors'

/** `--port` of the emulator commands: the default port, MFBATCH_EMULATOR_PORT, and what the port means here. */
export function emulatorPortFlag(summary: string, min: 0 | 1 = 1) {
  return Flags.integer({default: EMULATOR_DEFAULT_PORT, env: PORT_ENV, max: 65_535, min, summary})
}

/** A size as submit's --memory reads it: MiB, or with a unit (16GiB, 512m). */
export const mebibytesFlag = Flags.custom<number>({
  async parse(input, _context, options) {
    const label = `--${options.name}`
    const read = size({origin: {kind: 'flag', label}, value: input}, 'MiB', {min: 1})
    if (read === undefined) throw invalid(label, input, sizeAllowed('MiB', {min: 1}))
    return read.value
  },
})

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
