import {BaseCommand} from '../base-command'

export default class Config extends BaseCommand {
  static override description = 'Show every setting, its value and where it came from.'
  static override enableJsonFlag = true

  async run(): Promise<Record<string, unknown>> {
    await this.parse(Config)
    return {}
  }
}
