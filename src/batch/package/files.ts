/**
 * The files a package holds. In a git work tree: what `git ls-files --cached --others --exclude-standard` lists
 * (tracked, plus untracked files git does not ignore); elsewhere every file under the directory that its
 * `.gitignore` files do not ignore (gitignore.ts). Then the rules of rules.ts. Symlinks that stay inside the
 * directory ship as links; one that points outside is an error naming it.
 */
import {execFileSync} from 'node:child_process'
import {lstatSync, readdirSync, readlinkSync, realpathSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {InputError} from '../../errors'
import {GitignoreScope} from './gitignore'
import {packageRules} from './rules'

export interface PackageFile {
  /** POSIX path relative to the root. */
  path: string
  size: number
  /** What lstat said, for the stat cache (stat-cache.ts): a key that changes when the file does, and its ctime. */
  stat?: {changedMs: number; key: string}
}

export interface FileListOptions {
  excludes?: readonly string[]
  /** The flag or setting that named the directory, for messages. */
  label: string
}

export interface PackageListing {
  files: PackageFile[]
  /** Paths (a directory ends in /) left out only because they look like secrets (rules.ts), sorted. */
  secrets: string[]
}

export function listPackageFiles(root: string, options: FileListOptions): PackageListing {
  let stat
  try {
    stat = lstatSync(root)
  } catch {
    throw new InputError(`${options.label}: ${root} does not exist; name the directory to ship`)
  }

  if (!stat.isDirectory()) throw new InputError(`${options.label}: ${root} is not a directory`)
  const rules = packageRules(root, options.excludes)
  const secrets = new Set<string>()
  const leftOut = (path: string) => {
    if (!rules.excluded(path)) return false
    const secret = rules.secretOnly(path)
    if (secret !== undefined) secrets.add(secret)
    return true
  }

  const candidates = gitFiles(root) ?? walk(root, GitignoreScope.at(root), (dir) => leftOut(dir))
  const files: PackageFile[] = []
  const outside: string[] = []
  for (const path of candidates) {
    if (leftOut(path)) continue
    let entry
    try {
      entry = lstatSync(join(root, path))
    } catch {
      continue // listed by git but deleted in the work tree
    }

    const key = `${entry.size}:${entry.mtimeMs}:${entry.ctimeMs}:${entry.ino}:${entry.mode}`
    const stat = {changedMs: Math.max(entry.mtimeMs, entry.ctimeMs), key}
    if (entry.isSymbolicLink()) {
      if (!insideRoot(root, path)) outside.push(path)
      files.push({path, size: 0, stat})
    } else if (entry.isFile()) {
      files.push({path, size: entry.size, stat})
    }
  }

  if (outside.length > 0) {
    const named = outside.slice(0, 5).join(', ')
    throw new InputError(
      `${options.label}: symlinks point outside ${root}: ${named}; replace them with the files, or leave them out ` +
        'with --package-exclude or .mfbatchignore',
    )
  }

  return {files: files.sort((a, b) => byPath(a.path, b.path)), secrets: [...secrets].sort(byPath)}
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function insideRoot(root: string, path: string): boolean {
  const link = readlinkSync(join(root, path))
  const target = isAbsolute(link) ? link : resolve(root, dirname(path), link)
  let real: string
  try {
    real = realpathSync(target)
  } catch {
    real = target
  }

  const base = realpathSync(root)
  const rel = relative(base, real)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** Undefined when the directory is not inside a git work tree (or git is missing). */
function gitFiles(root: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return [...new Set(out.toString('utf8').split('\0').filter(Boolean))]
  } catch {
    return undefined
  }
}

/**
 * Every file below `root` that the .gitignore files in scope do not ignore, not entering directories they ignore or
 * `skip` rejects (given a directory ending in /: node_modules/ is never read).
 */
function walk(root: string, scope: GitignoreScope, skip: (dir: string) => boolean, below = ''): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(root, below), {withFileTypes: true})) {
    const path = (below ? `${below}/${entry.name}` : entry.name).split(sep).join('/')
    if (entry.isDirectory()) {
      if (!scope.ignores(`${path}/`) && !skip(`${path}/`)) out.push(...walk(root, scope.enter(root, path), skip, path))
    } else if (!scope.ignores(path)) out.push(path)
  }

  return out
}
