/**
 * The cache folder's files that the user hears about when they cannot be used (the history, the submit cache; V8's
 * code cache is skipped silently, it only costs a compile): each read or write either works, fails quietly (a
 * read-only or full disk: the caller's catch), or fails the trust check and says once on stderr what to fix.
 */
import {tellOnce} from './notices'
import {appendPrivateFile, readPrivateFile, replacePrivateFile, UntrustedPathError} from './private-files'
import {isSticky} from './trusted-path'

/** What to do about a folder or file that failed the check, by why it failed. */
function fixFor(error: UntrustedPathError): string {
  const {kind, mode, path} = error.distrust
  if (error.isFolder) {
    // A writable folder passed the owner check, so it is the user's: closing it is theirs to do, unless it is
    // shared on purpose (sticky, as /tmp).
    if (kind === 'writable' && !isSticky(mode ?? 0)) {
      return `run chmod 700 ${path}, or set MFBATCH_CACHE_DIR to a folder of your own`
    }

    if (kind === 'link') return `set MFBATCH_CACHE_DIR to the folder it points to, or remove the link`
    return 'set MFBATCH_CACHE_DIR to a folder of your own'
  }

  if (kind === 'writable') return `run chmod 600 ${path}`
  return `remove it (rm ${path}) and mfbatch starts a new one`
}

/** The one line said for an untrusted cache folder or file. */
export function untrustedCacheLine(error: UntrustedPathError, label: string): string {
  const what = error.isFolder ? 'the cache folder' : label
  return `not using ${what} ${error.distrust.path}: ${error.distrust.why}; ${fixFor(error)}`
}

/** Runs `io`; an untrusted path is told once and gives undefined, any other failure is thrown as it is. */
function told<T>(label: string, io: () => T): T | undefined {
  try {
    return io()
  } catch (error) {
    if (!(error instanceof UntrustedPathError)) throw error
    tellOnce(untrustedCacheLine(error, label))
    return undefined
  }
}

/** The file's text; undefined when it does not exist or cannot be trusted (then said once). */
export function readCacheFile(file: string, label: string): string | undefined {
  return told(label, () => readPrivateFile(file))?.toString('utf8')
}

/** Appends `data`; false when the file or folder cannot be trusted (then said once). */
export function appendCacheFile(file: string, data: string, label: string): boolean {
  return (
    told(label, () => {
      appendPrivateFile(file, data)
      return true
    }) ?? false
  )
}

/** Replaces the file's content at once; false when called off or the folder cannot be trusted (then said once). */
export function replaceCacheFile(file: string, data: string, label: string, stillWanted?: () => boolean): boolean {
  return told(label, () => replacePrivateFile(file, data, stillWanted)) ?? false
}
