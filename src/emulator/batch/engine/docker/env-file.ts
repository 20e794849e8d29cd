/**
 * The attempt's environment goes to `docker create` in a file (0600, in a private folder removed right after), not
 * on its command line, where any user's `ps` would show the attempt's credentials token. Docker's env files hold
 * one line per variable: a value with a line break goes as `-e NAME`, its value taken from the CLI's environment.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

export interface EnvFile {
  args: string[]
  /** For the docker CLI's own environment: the values `-e NAME` takes. */
  cliEnv: Record<string, string>
  remove(): void
}

export function writeEnvFile(env: Readonly<Record<string, string>>): EnvFile {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-env-'))
  const file = path.join(dir, 'env')
  const lines: string[] = []
  const args = ['--env-file', file]
  const cliEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (/[\n\r]/.test(value)) {
      args.push('--env', name)
      cliEnv[name] = value
    } else {
      lines.push(`${name}=${value}`)
    }
  }

  fs.writeFileSync(file, lines.join('\n') + '\n', {mode: 0o600})
  return {args, cliEnv, remove: () => fs.rmSync(dir, {force: true, recursive: true})}
}
