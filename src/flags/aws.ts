/**
 * The AWS connection flags every command that reaches AWS shares. They declare no oclif `env` and no `default`:
 * the resolver reads the environment itself, so an env value is reported as env-sourced, never as a flag.
 * Spread them into a command's flags (`...awsFlags`) and pass the parsed values through `settingsFromFlags`.
 */
import {Flags} from '@oclif/core'

import type {SettingName} from '../config/types'

import {catalogEntry, envHelp} from '../config/catalog'

function summary(name: SettingName): string {
  return `${catalogEntry(name).description.replace(/\.$/, '')} (${envHelp(name)}).`
}

export const regionFlag = Flags.string({helpGroup: 'AWS', helpValue: 'REGION', summary: summary('region')})

export const profileFlag = Flags.string({helpGroup: 'AWS', helpValue: 'NAME', summary: summary('profile')})

export const endpointUrlFlag = Flags.string({helpGroup: 'AWS', helpValue: 'URL', summary: summary('endpointUrl')})

export const awsFlags = {
  'endpoint-url': endpointUrlFlag,
  profile: profileFlag,
  region: regionFlag,
}
