/**
 * What never ships, and the user's own rules on top: `.mfbatchignore` (gitignore syntax) and `--package-exclude`
 * globs, matched with the `ignore` library so the syntax is git's, negations included. Files that look like
 * secrets are left out by default too, but a `!NAME` line in `.mfbatchignore` ships one; those left out only by
 * that default are named (secretOnly), so the user learns what did not ship and how to ship it.
 */
import ignore, {type Ignore} from 'ignore'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

/** Left out always: version control, virtual environments, dependencies, bytecode, secrets in dotenv files. */
export const ALWAYS_EXCLUDED = [
  '.git/',
  '.venv/',
  'venv/',
  'node_modules/',
  '__pycache__/',
  '*.pyc',
  '.env',
  '.env.*',
] as const

/** Left out by default, with a warning naming them: keys, cloud and package-registry credentials. */
export const SECRET_EXCLUDED = [
  '*.pem',
  'id_rsa*',
  'id_ed25519*',
  '.aws/',
  'credentials*',
  '*.key',
  '.netrc',
  '.npmrc',
  '.pypirc',
] as const

export const IGNORE_FILE = '.mfbatchignore'

export interface PackageRules {
  /** Whether a relative POSIX path (or any directory above it; a directory ends in /) is left out. */
  excluded(path: string): boolean
  /** The path, or the directory above it (ending in /), left out only because it looks like a secret. */
  secretOnly(path: string): string | undefined
}

/** The rules for a package root: the fixed ones, the secret defaults, `.mfbatchignore`, `--package-exclude`. */
export function packageRules(root: string, excludes: readonly string[] = []): PackageRules {
  const file = join(root, IGNORE_FILE)
  const own = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const all = ignore()
    .add([...ALWAYS_EXCLUDED, ...SECRET_EXCLUDED])
    .add(own)
    .add([...excludes])
  const withoutSecrets = ignore()
    .add([...ALWAYS_EXCLUDED])
    .add(own)
    .add([...excludes])
  return {
    excluded: (path) => firstExcluded(all, path) !== undefined,
    secretOnly(path) {
      const left = firstExcluded(all, path)
      return left === undefined || withoutSecrets.ignores(left) ? undefined : left
    },
  }
}

/**
 * The directory above `path` (ending in /), or `path` itself, that the rules leave out first, as git sees it: a
 * file in a left-out directory cannot be shipped again by a later rule.
 */
function firstExcluded(rules: Ignore, path: string): string | undefined {
  const parts = path.split('/')
  for (let i = 1; i < parts.length; i++) {
    const dir = `${parts.slice(0, i).join('/')}/`
    if (rules.ignores(dir)) return dir
  }

  return path !== '' && !path.endsWith('/') && rules.ignores(path) ? path : undefined
}

/** The one warning line for what the secret defaults left out (undefined when nothing was). */
export function secretsWarning(secrets: readonly string[]): string | undefined {
  if (secrets.length === 0) return undefined
  const named = secrets.slice(0, 5).join(', ') + (secrets.length > 5 ? ` and ${secrets.length - 5} more` : '')
  return (
    `left out of the package as likely secrets: ${named}; to ship one, add a "!${secrets[0]}" line to ` +
    `${IGNORE_FILE} (a line without "!" leaves it out without this warning)`
  )
}
