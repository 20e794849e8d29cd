import {Command, Errors} from '@oclif/core'

import {InputError, RuntimeError} from './errors'
import {ExitCode} from './exit-codes'
import {wasInterrupted} from './output/interrupt'

/**
 * The parent of every mfbatch command. It owns one thing: how a failure leaves the process. Every error becomes one
 * line on stderr (never stdout, so a pipe reading results sees nothing) and the exit code of DESIGN.md section 5.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    const waits = this.waitsOnJob()
    const usage = waits ? ExitCode.ToolFailure : ExitCode.Usage
    let code: number
    // oclif's parse errors (CLIParseError, not exported) carry the parser's output in `parse`.
    if (err instanceof InputError || 'parse' in err) code = usage
    // While waiting, exit 1 would read as the job's own exit code: mfbatch's own failures are 125 there.
    else if (err instanceof RuntimeError)
      code = waits && err.exitCode === ExitCode.Failure ? ExitCode.ToolFailure : err.exitCode
    else if (err instanceof Errors.ExitError) throw err
    else if (err.oclif?.exit === undefined) {
      code = waits ? ExitCode.ToolFailure : ExitCode.Failure
    } else {
      code = err.oclif.exit === ExitCode.Usage ? usage : err.oclif.exit
    }

    if (err.message) process.stderr.write(`${this.config.bin}: ${oneLine(err.message)}\n`)
    if (process.env.MFBATCH_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`)
    return this.exit(code)
  }

  /**
   * After Ctrl-C, once the command has printed what it had to (the re-attach hint, the last view, the JSON), the
   * process ends with the code already chosen: a DescribeJobs still retrying under throttling is not waited for.
   */
  protected override async finally(err: Error | undefined): Promise<void> {
    await super.finally(err)
    if (!wasInterrupted()) return
    const code = err instanceof Errors.ExitError ? err.oclif.exit : Number(process.exitCode ?? ExitCode.Interrupted)
    this.exit(code ?? ExitCode.Interrupted)
  }

  /**
   * Whether this invocation waits on a job (`--wait`, `--follow`). Then bad input exits 125 instead of 2, so a
   * script cannot mistake mfbatch's own failure for the job's exit code. Read from argv: it must work even when
   * flag parsing itself failed.
   */
  protected waitsOnJob(): boolean {
    return false
  }
}

/** oclif's parse errors span lines ("...\nSee more help with --help"); a script wants one line to grep. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^see more help with/i.test(line))
    .join(' ')
}
