/**
 * The state directory holds job environments (secrets) and the emulator's credentials, and whoever can write to
 * it can make the emulator run anything: it must be ours and closed to everyone else. Created 0700; an existing one
 * owned by another user, or writable by group or others, is refused; one we own that others can only read is
 * closed (chmod 0700) rather than refused, since older versions created it 0755. So is the way to it: whoever
 * controls a directory on its path (or a symlink met on the way) can swap the state dir for one of their own.
 */
import {chmodSync, lstatSync, mkdirSync, realpathSync, type Stats, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {RuntimeError} from '../errors'

/** Files the emulator writes are readable by its user only. */
export const PRIVATE_UMASK = 0o077

export function ensurePrivateDir(dir: string): void {
  // The way there first: nothing is made inside a directory someone else controls.
  checkWayTo(dir)
  mkdirSync(dir, {mode: 0o700, recursive: true})
  checkPrivateDir(dir)
}

/** Throws a one-line RuntimeError when `dir` is not safe to keep secrets in; closes a readable one we own. */
/* eslint-disable no-bitwise -- permission bits */
export function checkPrivateDir(dir: string): void {
  checkWayTo(dir)
  const stat = statSync(dir)
  if (!stat.isDirectory()) throw new RuntimeError(`state dir ${dir} is not a directory; use another --state-dir`)
  const uid = process.getuid?.()
  if (uid === undefined) return
  if (stat.uid !== uid) {
    throw new RuntimeError(
      `state dir ${dir} belongs to user ${stat.uid}, not to you (${uid}); use a directory of your own (--state-dir)`,
    )
  }

  const mode = stat.mode & 0o777
  if (mode & 0o022) {
    throw new RuntimeError(
      `state dir ${dir} is writable by group or others (mode ${mode.toString(8)}); run chmod 700 ${dir} or use another --state-dir`,
    )
  }

  if (mode & 0o077) chmodSync(dir, 0o700)
}

/**
 * Every directory above `dir` (from your home directory down when it is inside it), and every symlink on the way
 * with the directories its target goes through, as OpenSSH's StrictModes and git's safe.directory check them: owned by you or root, and not writable by group or
 * others unless sticky (as /tmp is: then only an entry's owner can rename or remove it, and the next step must be
 * yours or root's). Throws a one-line RuntimeError naming the first that is not.
 */
export function checkWayTo(dir: string): void {
  const uid = process.getuid?.()
  if (uid === undefined) return
  let home: string | undefined
  try {
    home = realpathSync(homedir())
  } catch {
    home = undefined
  }

  const refuse = (what: string): never => {
    throw new RuntimeError(
      `state dir ${dir}: ${what}; whoever controls it can swap the state dir for their own. Use a directory of ` +
        'your own whose every parent belongs to you or root (--state-dir, or XDG_DATA_HOME)',
    )
  }

  const trusted = (path: string, stat: Stats): void => {
    if (stat.uid !== uid && stat.uid !== 0) refuse(`${path} belongs to user ${stat.uid}, not to you (${uid}) or root`)
  }

  const walk = (path: string, depth: number): void => {
    if (depth > 40) refuse(`${path} is reached through too many symlinks`)
    const full = resolve(path)
    // As OpenSSH does, a path inside your home directory is checked from there down: above it is the system's.
    const start = home !== undefined && full.startsWith(`${home}/`) ? home : '/'
    let current: string = start
    trusted(current, lstatSync(current))
    const parts = full.slice(start.length).split('/').filter(Boolean)
    for (const [index, part] of parts.entries()) {
      const parent = lstatSync(current)
      if (parent.mode & 0o022 && !(parent.mode & 0o1000)) {
        refuse(`${current} is writable by group or others (mode ${(parent.mode & 0o7777).toString(8)}) and not sticky`)
      }

      const next = join(current, part)
      let stat: Stats
      try {
        stat = lstatSync(next)
      } catch (error) {
        // Not made yet: mkdir makes the rest, ours.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw error
      }

      trusted(next, stat)
      if (stat.isSymbolicLink()) {
        walk(realpathSync(next), depth + 1)
        current = realpathSync(next)
      } else if (index < parts.length - 1 && !stat.isDirectory()) {
        refuse(`${next} is not a directory`)
      } else {
        current = next
      }
    }
  }

  walk(dir, 0)
}
/* eslint-enable no-bitwise */
