/**
 * What never ships, and the user's own rules on top: `.mfbatchignore` (gitignore syntax) and `--package-exclude`
 * globs, matched with the `ignore` library so the syntax is git's, negations included.
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

export const IGNORE_FILE = '.mfbatchignore'

/** The matcher for a package root: the fixed rules, then `.mfbatchignore`, then the `--package-exclude` globs. */
export function packageRules(root: string, excludes: readonly string[] = []): Ignore {
  const rules = ignore().add([...ALWAYS_EXCLUDED])
  const file = join(root, IGNORE_FILE)
  if (existsSync(file)) rules.add(readFileSync(file, 'utf8'))
  return rules.add([...excludes])
}

/** Whether a relative POSIX path (or any directory above it) is excluded. */
export function isExcluded(rules: Ignore, relative: string): boolean {
  const parts = relative.split('/')
  for (let i = 1; i < parts.length; i++) {
    if (rules.ignores(`${parts.slice(0, i).join('/')}/`)) return true
  }

  return rules.ignores(relative)
}
