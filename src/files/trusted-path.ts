/**
 * "A path I may trust": whether a file or folder could have been planted or changed by another local user. mfbatch
 * runs config files as code and reads its caches as code (V8's code cache) or as facts (the history, the submit
 * cache), so each of them must be owned by the user running it and writable by nobody else; otherwise another user
 * decides what runs under this user's uid. The emulator's state dir follows the same rules (src/emulator/state-dir.ts).
 *
 * Config files may also be root's (as git's safe.directory accepts root-owned repositories): root can run code as
 * anyone anyway. Per-user files must be the user's own, so `sudo -E` keeping another user's HOME does not make root
 * read that user's files.
 */
import type {Stats} from 'node:fs'

/** Whose files count: the user's alone, or also root's. */
export type Owners = 'me' | 'me-or-root'

/** Why a path is not trusted; `why` is a clause for a message: "it belongs to user 1001, not to you (0)". */
export interface Distrust {
  kind: 'link' | 'owner' | 'type' | 'writable'
  /** The mode bits seen (with the sticky bit), for advice: `chmod 700` fits a folder of yours, not /tmp. */
  mode?: number
  path: string
  why: string
}

/** The user mfbatch runs as; undefined where there are no uids (Windows), and then nothing is checked. */
export function currentUid(): number | undefined {
  return process.getuid?.()
}

/* eslint-disable no-bitwise -- permission bits */
/** Group- or other-writable, sticky or not: a world-writable /tmp is no place for a trusted file. */
export const isWritableByOthers = (mode: number): boolean => (mode & 0o022) !== 0

/** The sticky bit: a folder shared on purpose (/tmp), never to be closed with chmod. */
export const isSticky = (mode: number): boolean => (mode & 0o1000) !== 0

/** Octal permission bits as `ls -l` users read them in chmod: 755, 1777. */
export const modeText = (mode: number): string => (mode & 0o7777).toString(8)

/**
 * Pure: why the owner and mode in `stats` make `path` untrusted for `uid`, or undefined when they do not.
 * The owner first (a file of another user is theirs whatever its mode), then group/other write.
 */
export function distrustOf(
  path: string,
  stats: Pick<Stats, 'mode' | 'uid'>,
  owners: Owners,
  uid: number | undefined = currentUid(),
): Distrust | undefined {
  if (uid === undefined) return undefined
  const rootToo = owners === 'me-or-root'
  if (stats.uid !== uid && !(rootToo && stats.uid === 0)) {
    const whom = rootToo && uid !== 0 ? `you (${uid}) or root` : `you (${uid})`
    return {kind: 'owner', path, why: `it belongs to user ${stats.uid}, not to ${whom}`}
  }

  if (isWritableByOthers(stats.mode)) {
    const why = `it is writable by group or others (mode ${modeText(stats.mode)})`
    return {kind: 'writable', mode: stats.mode & 0o7777, path, why}
  }

  return undefined
}
/* eslint-enable no-bitwise */

/**
 * Pure: the same for an entry seen without following links (lstat, or fstat of a file opened O_NOFOLLOW), which
 * must also be of the expected type: a link in the last step could point anywhere another user likes.
 */
export function distrustOfEntry(
  path: string,
  stats: Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink' | 'mode' | 'uid'>,
  expected: 'directory' | 'file',
  owners: Owners,
): Distrust | undefined {
  if (stats.isSymbolicLink()) return {kind: 'link', path, why: 'it is a symbolic link'}
  const typeOk = expected === 'directory' ? stats.isDirectory() : stats.isFile()
  if (!typeOk) return {kind: 'type', path, why: `it is not a ${expected === 'directory' ? 'folder' : 'regular file'}`}
  return distrustOf(path, stats, owners)
}
