/**
 * Where attempts run: one fresh private folder (0700, mkdtemp: a random name made with O_EXCL, so nobody can make
 * it first or swap it for a link) per attempt, in the system's temporary folder, outside the state dir: a job's
 * `..` leads nowhere near the emulator's credentials. The names carry a digest of the state dir, so an emulator
 * at start removes the folders an earlier emulator of the same state dir left (it died mid-attempt), and only
 * those: never another emulator's, never another user's.
 */
import {createHash} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

export interface AttemptDirs {
  /** Removes what an earlier emulator of this state dir left behind. */
  clean(): void
  /** A new private folder for one attempt. */
  make(): string
}

/** The name every attempt folder of the emulator of `stateDir` starts with. */
export const attemptDirPrefix = (stateDir: string): string =>
  `mfbatch-attempt-${createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 12)}-`

export function attemptDirs(stateDir: string, parent: string = os.tmpdir()): AttemptDirs {
  const prefix = attemptDirPrefix(stateDir)
  return {
    clean() {
      let names: string[]
      try {
        names = fs.readdirSync(parent)
      } catch {
        return
      }

      const uid = process.getuid?.()
      for (const name of names) {
        if (!name.startsWith(prefix)) continue
        const dir = path.join(parent, name)
        try {
          const stat = fs.lstatSync(dir)
          // Ours only: a real folder (not a link) of this user. mkdtemp's names cannot be taken first.
          if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue
          fs.rmSync(dir, {force: true, recursive: true})
        } catch {
          // Gone meanwhile, or not removable: not ours to worry about.
        }
      }
    },
    make: () => fs.mkdtempSync(path.join(parent, prefix)),
  }
}
