import {Errors, type Hook, type Interfaces} from '@oclif/core'

import {closest} from '../config/suggest'
import {ExitCode} from '../exit-codes'

/**
 * The line for a command mfbatch does not have (`sumbit`, or `emulator strat` for the id `emulator:strat`): the
 * nearest command named when one is near. Shared with `mfbatch help sumbit` and `mfbatch sumbit -h` (help.ts).
 */
export function unknownCommandLine(config: Pick<Interfaces.Config, 'bin' | 'commands'>, id: string): string {
  const typed = id.replaceAll(':', ' ')
  const {bin} = config
  // `mfbatch --foo`: a flag where a command belongs; the root takes only --help and --version.
  if (typed.startsWith('-')) return `${bin}: ${typed}: not a flag here; "${bin} --help" lists the commands and flags`
  const commands = config.commands
    .filter((command) => !command.hidden)
    .map((command) => command.id.replaceAll(':', ' '))
  const guess = closest(typed, [...commands, 'help', 'version'])
  const hint = guess === undefined ? '' : ` Did you mean "${guess}"?`
  return `${bin}: "${typed}" is not a ${bin} command.${hint} Run "${bin} --help" for the list.`
}

/**
 * An unknown command never runs a guess, on a terminal or in a pipe: `mfbatch sumbit ...` could submit a job the
 * user did not mean to start. It names the nearest command and exits 2 (bad usage), like an unknown flag does.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  process.stderr.write(`${unknownCommandLine(options.config, options.id)}\n`)
  throw new Errors.ExitError(ExitCode.Usage)
}

export default hook
