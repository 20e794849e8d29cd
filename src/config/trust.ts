/**
 * Which config files found upward may be read. A config file is code (mfbatch.config.js runs) or decides what a job
 * gets (privileged, host volumes, roles, environment), so it is read only where another local user could not have
 * put it: its folder belongs to the user or root and nobody else can write it (a sticky world-writable /tmp is no
 * such folder), and so does the file. A file that fails is skipped, and the user is told once what and why
 * (src/files/notices.ts).
 */
import {closeSync, constants, fstatSync, openSync, readFileSync, statSync} from 'node:fs'

import {currentUid, type Distrust, distrustOf, distrustOfEntry} from '../files/trusted-path'

/** Why the files of `dir` may not be trusted, or undefined when they may. */
export function folderDistrust(dir: string): Distrust | undefined {
  try {
    return distrustOf(dir, statSync(dir), 'me-or-root')
  } catch {
    return undefined // gone or unreadable: its files cannot be read either
  }
}

/**
 * The text of a config file in a trusted folder, checked on the open descriptor so that what is read is what was
 * checked; `missing` when there is no such file. A link is followed (a config kept in a dotfiles folder), and the
 * file it leads to must pass the check itself.
 */
export function readTrustedText(file: string): 'missing' | {distrust: Distrust} | {text: string} {
  let fd: number
  try {
    // eslint-disable-next-line no-bitwise -- open flags: a FIFO planted under the name must not block the read
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    if (['EISDIR', 'ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return 'missing'
    throw error
  }

  try {
    const stats = fstatSync(fd)
    if (stats.isDirectory()) return 'missing'
    const distrust = distrustOfEntry(file, stats, 'file', 'me-or-root')
    return distrust ? {distrust} : {text: readFileSync(fd, 'utf8')}
  } finally {
    closeSync(fd)
  }
}

/** The line the user hears about a skipped file: what, why, and how to have it read. */
export function skippedLine(what: string, file: string, distrust: Distrust): string {
  const because = distrust.why.replace(/^it /, '')
  if (distrust.path !== file) {
    return `skipped ${what} ${file}: its folder ${distrust.path} ${because}; to use the file, move it to a folder only you can write`
  }

  const uid = currentUid()
  const fix =
    distrust.kind === 'owner'
      ? `if you trust it, make it yours (chown ${uid} ${file}) or move it away`
      : distrust.kind === 'writable'
        ? `if you trust it, run chmod go-w ${file}`
        : 'replace it with a regular file'
  return `skipped ${what} ${file}: it ${because}; ${fix}`
}
