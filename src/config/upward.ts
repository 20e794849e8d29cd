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
