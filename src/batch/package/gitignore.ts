/**
 * `.gitignore` files read as git reads them, for a package directory that is not in a git work tree (in one, git
 * itself lists the files): every `.gitignore` at or below the root applies to the paths below its own directory,
 * a deeper file's rules come after a shallower one's, and the last rule that matches decides (a `!` rule ships a
 * file again). The `ignore` library supplies git's pattern syntax.
 */
import ignore, {type Ignore} from 'ignore'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

interface Level {
  /** The directory of the .gitignore, relative to the root ('' for the root itself). */
  base: string
  rules: Ignore
}

/** The .gitignore files that apply in one directory: its own, and those of the directories above it. */
export class GitignoreScope {
  private constructor(private readonly levels: readonly Level[]) {}

  static at(root: string): GitignoreScope {
    return new GitignoreScope([]).enter(root, '')
  }

  /** The scope inside `dir` (relative to the root): this one, plus dir/.gitignore when it has one. */
  enter(root: string, dir: string): GitignoreScope {
    const file = join(root, dir, '.gitignore')
    if (!existsSync(file)) return this
    return new GitignoreScope([...this.levels, {base: dir, rules: ignore().add(readFileSync(file, 'utf8'))}])
  }

  /** Whether git would ignore this path (relative to the root; a directory ends in /). */
  ignores(path: string): boolean {
    let ignored = false
    for (const {base, rules} of this.levels) {
      const result = rules.test(base === '' ? path : path.slice(base.length + 1))
      if (result.ignored) ignored = true
      else if (result.unignored) ignored = false
    }

    return ignored
  }
}
