import {Command, Errors} from '@oclif/core'

import {explainKnownFailure} from './batch/errors'
import {closest} from './config/suggest'
import {InputError, RuntimeError} from './errors'
import {ExitCode} from './exit-codes'
import {listenToNotices} from './files/notices'
import {inert} from './output/inert'
import {wasInterrupted} from './output/interrupt'

/**
 * The parent of every mfbatch command. It owns one thing: how a failure leaves the process. Every error becomes one
 * line on stderr (never stdout, so a pipe reading results sees nothing) and the exit code of DESIGN.md section 5.
 * It also says on stderr, once each, the files mfbatch would not use (src/files/notices.ts).
 */
export abstract class BaseCommand extends Command {
  protected override async catch(thrown: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // An SDK error no service explained (no region, no credentials, an unreachable endpoint) gets the same
    // sentence in every command.
    const err: Error & {oclif?: {exit?: number}} =
      thrown.oclif === undefined && !(thrown instanceof RuntimeError) ? (explainKnownFailure(thrown) ?? thrown) : thrown
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

    const flags = {...this.ctor.flags, ...(this.ctor.enableJsonFlag ? {json: {}} : {})}
    const message = parseErrorLine(oneLine(err.message ?? ''), flags, this.argv)
    // An AWS message can quote a job's text: shown inert, like every line for people.
    if (message) process.stderr.write(`${this.config.bin}: ${inert(message)}\n`)
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

  public override async init(): Promise<void> {
    listenToNotices((line) => process.stderr.write(`${this.config.bin}: warning: ${line}\n`))
    await super.init()
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

interface FlagLike {
  env?: string
  max?: number
  min?: number
}

/**
 * oclif's flag errors in mfbatch's own form, naming where the value came from: `Parsing --rate Expected an integer
 * greater than or equal to 1 but received: 0` becomes `--rate: "0" is not allowed; use a whole number of 1 or
 * more`, and a value taken from the flag's environment variable names that variable. Other messages pass as they are.
 */
export function parseErrorLine(
  message: string,
  flags: Readonly<Record<string, FlagLike>>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  const unknown = /^Nonexistent flags?: (.*)$/.exec(message)
  if (unknown) return unknownFlagLine(unknown[1].split(/,\s*/), Object.keys(flags))
  const parsing = /^Parsing --([\w-]+) (.*)$/.exec(message)
  if (!parsing) return message
  const [, name, rest] = parsing
  const flag = flags[name] ?? {}
  const typed = argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
  const source = !typed && flag.env && env[flag.env] !== undefined ? flag.env : `--${name}`
  // A custom flag's own message already names the flag.
  if (rest.startsWith(`--${name}:`)) return source === `--${name}` ? rest : rest.replace(`--${name}:`, `${source}:`)
  const integer = /^Expected an integer(?: (?:greater|less) than or equal to -?\d+)? but received: (.*)$/.exec(rest)
  if (!integer) return `${source}: ${rest}`
  const {max, min} = flag
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min === undefined
        ? max === undefined
          ? ''
          : ` of ${max} or less`
        : ` of ${min} or more`
  return `${source}: ${JSON.stringify(integer[1])} is not allowed; use a whole number${range}`
}

/** `--memroy 4`: `--memroy: not a flag here; did you mean --memory?`, or the pointer to `--help` with no near name. */
function unknownFlagLine(typed: readonly string[], names: readonly string[]): string {
  return typed
    .map((word) => {
      const flag = word.replace(/=.*$/, '')
      const guess = closest(flag.replace(/^-+/, ''), names)
      return guess === undefined
        ? `${flag}: not a flag here; --help lists the flags`
        : `${flag}: not a flag here; did you mean --${guess}?`
    })
    .join('; ')
}

/** oclif's parse errors span lines ("...\nSee more help with --help"); a script wants one line to grep. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^see more help with/i.test(line))
    .join(' ')
}
