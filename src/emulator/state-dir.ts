/**
 * The state directory holds job environments (secrets) and the emulator's credentials, and whoever can write to
 * it can make the emulator run anything: it must be ours and closed to everyone else. Created 0700; an existing one
 * owned by another user, or writable by group or others, is refused; one we own that others can only read is
 * closed (chmod 0700) rather than refused, since older versions created it 0755.
 */
import {chmodSync, mkdirSync, statSync} from 'node:fs'

import {RuntimeError} from '../errors'

/** Files the emulator writes are readable by its user only. */
export const PRIVATE_UMASK = 0o077

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, {mode: 0o700, recursive: true})
  checkPrivateDir(dir)
}

/** Throws a one-line RuntimeError when `dir` is not safe to keep secrets in; closes a readable one we own. */
/* eslint-disable no-bitwise -- permission bits */
export function checkPrivateDir(dir: string): void {
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
/* eslint-enable no-bitwise */
