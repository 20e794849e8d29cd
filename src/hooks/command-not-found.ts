import {Errors, type Hook} from '@oclif/core'

import {closest} from '../config/suggest'
import {ExitCode} from '../exit-codes'

/**
 * An unknown command never runs a guess, on a terminal or in a pipe: `mfbatch sumbit ...` could submit a job the
 * user did not mean to start. It names the nearest command and exits 2 (bad usage), like an unknown flag does.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const {bin} = options.config
  if (typed.startsWith('-')) {
    // `mfbatch --foo`: a flag where a command belongs; the root takes only --help and --version.
    process.stderr.write(`${bin}: ${typed}: not a flag here; "${bin} --help" lists the commands and flags\n`)
    throw new Errors.ExitError(ExitCode.Usage)
  }

  const commands = options.config.commands
    .filter((command) => !command.hidden)
    .map((command) => command.id.replaceAll(':', ' '))
  const guess = closest(typed, [...commands, 'help', 'version'])
  const hint = guess === undefined ? '' : ` Did you mean "${guess}"?`
  process.stderr.write(`${bin}: "${typed}" is not a ${bin} command.${hint} Run "${bin} --help" for the list.\n`)
  throw new Errors.ExitError(ExitCode.Usage)
}

export default hook
