import {Flags} from '@oclif/core'

import {EMULATOR_DEFAULT_PORT} from '../emulator/contract'
import {PORT_ENV} from '../emulator/local'

/** `--port` of the emulator commands: the default port, MFBATCH_EMULATOR_PORT, and what the port means here. */
export function emulatorPortFlag(summary: string, min: 0 | 1 = 1) {
  return Flags.integer({default: EMULATOR_DEFAULT_PORT, env: PORT_ENV, max: 65_535, min, summary})
}
