import {existsSync, realpathSync} from 'node:fs'
import path from 'node:path'

/**
 * Walks from a directory to the filesystem root.
 * @yields `dir` (resolved), its parent, and so on up to the root.
 */
export function* upward(dir: string): Generator<string> {
  let current = path.resolve(dir)
  while (true) {
    yield current
    const parent = path.dirname(current)
    if (parent === current) return
    current = parent
  }
}

/**
 * The folders a project search looks in: from `dir` upward to the home directory or the repository's root (the
 * first folder with a `.git`), whichever comes first, as git stops at its safe directories; the filesystem root
 * when there is neither. A folder above those is someone else's business, not the project's.
 * @yields `dir` (resolved), its parent, and so on up to the last folder searched.
 */
export function* projectDirs(dir: string, home: string): Generator<string> {
  const homes = new Set([path.resolve(home), realOrSame(home)])
  for (const current of upward(dir)) {
    yield current
    if (homes.has(current) || existsSync(path.join(current, '.git'))) return
  }
}

function realOrSame(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    return path.resolve(dir)
  }
}
