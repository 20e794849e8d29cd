/**
 * The job's environment (`--env`, `--env-file`) and secrets (`--secret`). Names must be usable from a shell, and
 * AWS reserves everything starting with AWS_BATCH for the variables it sets itself.
 */
import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'
import {parseEnvFile} from '../parse/env-file'
import {keyValues, stringList} from '../parse/values'
import {MASK} from '../secrets'

export interface NameValue {
  name: string
  value: string
}

export interface Secret {
  name: string
  valueFrom: string
}

export type EnvFileReader = (path: string) => string

const SHELL_NAME = /^[A-Z_a-z]\w*$/
const NAME_ALLOWED = 'names are letters, digits and _, not starting with a digit'
const RESERVED = 'names starting with AWS_BATCH are reserved for AWS Batch'

/** `shown` is what the error quotes: the name alone for `--env` and env files, never a value (it may be a secret). */
function checkName(label: string, name: string, shown: unknown): void {
  if (!SHELL_NAME.test(name)) throw invalid(label, shown, NAME_ALLOWED)
  if (name.startsWith('AWS_BATCH')) throw invalid(label, shown, RESERVED)
}

/**
 * Later sources win: the tmpfs temp dir first (as Metaflow sets it before user variables), then env files in
 * order, then `--env`.
 */
export function buildEnvironment(
  env: Sourced | undefined,
  envFiles: Sourced | undefined,
  tempdir: string | undefined,
  readFile: EnvFileReader,
): NameValue[] {
  const vars = new Map<string, string>()
  if (tempdir !== undefined) vars.set('METAFLOW_TEMPDIR', tempdir)
  for (const path of stringList(envFiles, 'use a file path')) {
    for (const [name, value] of readEnvFile(envFiles!.origin.label, path, readFile)) vars.set(name, value)
  }

  for (const [name, value] of keyValues(env, '=', `use NAME=VALUE; ${NAME_ALLOWED}`, {conceal: true})) {
    checkName(env!.origin.label, name, name)
    vars.set(name, value)
  }

  return [...vars].map(([name, value]) => ({name, value}))
}

function readEnvFile(label: string, path: string, readFile: EnvFileReader): Array<[string, string]> {
  let content: string
  try {
    content = readFile(path)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new InputError(`${label}: ${JSON.stringify(path)} cannot be read (${reason}); use a readable file`)
  }

  const {entries, problem} = parseEnvFile(content)
  // The line is not quoted: a line without "=" is as likely a pasted secret as a typo.
  if (problem) {
    throw new InputError(
      `${label} ${path} line ${problem.line}: not a NAME=VALUE line (not shown: it may hold a secret); use NAME=VALUE lines and # comments`,
    )
  }

  return entries.map(({line, name, value}) => {
    checkName(`${label} ${path} line ${line}`, name, name)
    return [name, value]
  })
}

/**
 * The full ARN of a Secrets Manager secret (optionally with `:json-key:version-stage:version-id`) or of an SSM
 * parameter. A bare parameter name, which AWS also takes, is refused: a value that is no ARN is more likely the
 * secret itself, pasted by mistake, and would end up readable in the job definition.
 */
const SECRET_ARN =
  /^arn:aws[a-z-]*:(?:secretsmanager:[a-z\d-]+:\d{12}:secret:[^\s:]+(?::\S*)?|ssm:[a-z\d-]+:\d{12}:parameter\/\S+)$/

export function buildSecrets(secrets: Sourced | undefined): Secret[] {
  const allowed = 'use NAME=ARN of a Secrets Manager secret or SSM parameter'
  const out = new Map<string, string>()
  for (const [name, valueFrom] of keyValues(secrets, '=', allowed)) {
    // An ARN names where the secret is; anything else may be the secret: never echo it.
    const shown = `${name}=${valueFrom === '' || valueFrom.startsWith('arn:') ? valueFrom : MASK}`
    checkName(secrets!.origin.label, name, shown)
    if (!SECRET_ARN.test(valueFrom)) throw invalid(secrets!.origin.label, shown, allowed)
    out.set(name, valueFrom)
  }

  return [...out].map(([name, valueFrom]) => ({name, valueFrom}))
}
