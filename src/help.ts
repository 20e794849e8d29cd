/**
 * oclif's help, plus what no manifest can know: `mfbatch emulator --help` ends with the memory mechanism and the
 * GPUs this machine would give the emulator (worked out when the help is shown, without making anything). Help for
 * a command mfbatch does not have (`mfbatch help sumbit`, `mfbatch sumbit -h`) names the nearest one, as running it
 * would. Both the page and the per-command help render their templates through fastRender (output/help-template.ts).
 */
import {Command, CommandHelp, Errors, Help, Interfaces} from '@oclif/core'

import {ExitCode} from './exit-codes'
import {unknownCommandLine} from './hooks/command-not-found'
import {fastRender} from './output/help-template'
import {wrapHelpText, wrapWords} from './output/width'

class MfbatchCommandHelp extends CommandHelp {
  constructor(command: Command.Loadable, config: Interfaces.Config, opts: Interfaces.HelpOptions) {
    super(command, config, opts)
    this.render = fastRender({command, config}, this.render)
  }

  /**
   * The summary and description wrapped to the terminal with their indentation kept: oclif's wrap trims every line,
   * so the ENVIRONMENT, EXIT CODES and other tables of a description lose their indentation, and a wrapped row
   * continues at the left margin instead of under its second column.
   */
  protected override description(): string | undefined {
    const {description, summary} = this.command
    if (!description) return undefined
    const text = this.render(summary ? `${summary}\n${description}` : description)
    return wrapHelpText(text, this.opts.maxWidth - this.indentSpacing)
  }
}

export default class MfbatchHelp extends Help {
  override CommandHelpClass = MfbatchCommandHelp

  constructor(config: Interfaces.Config, opts: Partial<Interfaces.HelpOptions> = {}) {
    super(config, opts)
    this.render = fastRender({config}, this.render)
  }

  /**
   * A topic that is also a command (`emulator`, whose subcommands run it in the background) would be listed twice in
   * the root help, under TOPICS and COMMANDS with the same line: it is listed once, as a command naming them.
   */
  protected override get sortedTopics(): Interfaces.Topic[] {
    return super.sortedTopics.filter((topic) => topic.name.includes(':') || !this.config.findCommand(topic.name))
  }

  protected override formatCommands(commands: Command.Loadable[]): string {
    return super.formatCommands(commands.map((command) => this.withSubcommands(command)))
  }

  /** The one-line summary at the top of `mfbatch --help`, wrapped between words to the terminal like the rest. */
  override formatRoot(): string {
    const [summary, ...rest] = super.formatRoot().split('\n')
    return [...wrapWords(summary, this.opts.maxWidth, ''), ...rest].join('\n')
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command)
    if (command.id !== 'emulator') return
    const {thisMachine} = await import('./emulator/batch/engine/this-machine.js')
    this.log(wrapHelpText(thisMachine(), this.opts.maxWidth))
  }

  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      const unknown = /^Command (.+) not found\.$/.exec((error as Error).message ?? '')
      if (!unknown) throw error
      process.stderr.write(`${unknownCommandLine(this.config, unknown[1])}\n`)
      throw new Errors.ExitError(ExitCode.Usage)
    }
  }

  /** At the root, `emulator` with its summary and "Also: emulator env, start, status, stop." */
  private withSubcommands(command: Command.Loadable): Command.Loadable {
    if (command.id.includes(':')) return command
    const subcommands = this.sortedCommands
      .filter((other) => other.id.startsWith(`${command.id}:`) && !other.hidden)
      .map((other) => other.id.slice(command.id.length + 1))
    if (subcommands.length === 0) return command
    const summary = this.summary(command) ?? ''
    return {...command, summary: `${summary} Also: ${command.id} ${subcommands.join(', ')}.`}
  }
}
