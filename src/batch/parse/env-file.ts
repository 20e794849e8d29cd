/**
 * `--env-file`: the dotenv subset that shell users expect and nothing cleverer. One `KEY=VALUE` a line, `#` starts a
 * comment line, blank lines are skipped, an optional `export ` prefix is allowed (so the same file can be sourced
 * by a shell), and one pair of matching surrounding quotes is removed. No interpolation, no multi-line values.
 */
export interface EnvFileEntry {
  line: number
  name: string
  value: string
}

export interface EnvFileProblem {
  line: number
  text: string
}

export function parseEnvFile(content: string): {entries: EnvFileEntry[]; problem?: EnvFileProblem} {
  const entries: EnvFileEntry[] = []
  const lines = content.split(/\r?\n/)
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const body = trimmed.replace(/^export\s+/, '')
    const at = body.indexOf('=')
    if (at <= 0) return {entries, problem: {line: index + 1, text: trimmed}}
    entries.push({line: index + 1, name: body.slice(0, at).trim(), value: unquote(body.slice(at + 1).trim())})
  }

  return {entries}
}

function unquote(value: string): string {
  const first = value[0]
  if (value.length >= 2 && (first === '"' || first === "'") && value.at(-1) === first) return value.slice(1, -1)
  return value
}
