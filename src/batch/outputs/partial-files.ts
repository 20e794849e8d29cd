/**
 * The temporary files and folders a download is writing (the staging folder of an archive being unpacked, a link
 * before its rename), so that leaving early removes them: Ctrl-C or SIGTERM ends the command with process.exit (output/interrupt.ts), which runs the `exit`
 * listener here. Node runs a signal's handler between two steps of this code, never inside one, so a file is
 * tracked from before it is created until after it is renamed or removed.
 */
import {rmSync} from 'node:fs'

const partial = new Set<string>()

function removeAll(): void {
  for (const path of partial) rmSync(path, {force: true, recursive: true})
  partial.clear()
}

/** Tracks `path` (not yet created) until `untrack`: it is removed (a folder with all in it) if the process leaves first. */
export function track(path: string): void {
  if (partial.size === 0) process.once('exit', removeAll)
  partial.add(path)
}

/** `path` was renamed into place or removed: nothing to clean up any more. */
export function untrack(path: string): void {
  partial.delete(path)
  if (partial.size === 0) process.removeListener('exit', removeAll)
}
