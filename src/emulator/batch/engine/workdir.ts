/**
 * Where attempts run: a private folder (0700) under the emulator's state dir, one fresh mkdtemp folder (0700) per
 * attempt. Never a shared temporary path: another user could make it first, or swap an attempt's folder for a
 * link.
 */
import * as fs from 'node:fs'
import path from 'node:path'

/**
 * Makes the folder (or checks the one there is ours and private) and empties it: what is in it belongs to
 * attempts of an emulator that is gone.
 */
export function prepareWorkRoot(dir: string): void {
  fs.mkdirSync(dir, {mode: 0o700, recursive: true})
  const stat = fs.lstatSync(dir)
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory; remove it and start the emulator again`)
  const uid = process.getuid?.()
  if (uid !== undefined && stat.uid !== uid)
    throw new Error(`${dir} belongs to another user (uid ${stat.uid}); remove it and start the emulator again`)
  // eslint-disable-next-line no-bitwise -- permission bits
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700)
  for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), {force: true, recursive: true})
}

/** A new private folder for one attempt. */
export function makeAttemptDir(root: string): string {
  return fs.mkdtempSync(path.join(root, 'attempt-'))
}
