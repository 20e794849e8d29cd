import {BaseCommand} from '../base-command'
import {exitCodeHelp} from '../exit-codes'

interface VersionPayload {
  arch: string
  node: string
  platform: string
  version: string
}

/** `mfbatch version` and `-v` print what `--version` prints, as docker, kubectl and gh accept all three. */
export default class Version extends BaseCommand {
  static override description = `The same line as --version and -v: mfbatch's version, the platform and Node's version.

${exitCodeHelp(false)}`
  static override enableJsonFlag = true
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Print the version line.'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'The same as JSON, for scripts.'},
  ]
  static override summary = 'Print the version of mfbatch.'

  async run(): Promise<VersionPayload> {
    await this.parse(Version)
    if (!this.jsonEnabled()) this.log(this.config.userAgent)
    return {
      arch: this.config.arch,
      node: process.versions.node,
      platform: this.config.platform,
      version: this.config.version,
    }
  }
}
