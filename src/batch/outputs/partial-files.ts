/**
 * The temporary files a download is writing (the archive, each file before its rename), so that leaving early
 * removes them: Ctrl-C or SIGTERM ends the command with process.exit (output/interrupt.ts), which runs the `exit`
 * listener here. Node runs a signal's handler between two steps of this code, never inside one, so a file is
 * tracked from before it is created until after it is renamed or removed.
 */
import {rmSync} from 'node:fs'

const partial = new Set<string>()

function removeAll(): void {
  for (const path of partial) rmSync(path, {force: true})
  partial.clear()
}

/** Tracks `path` (not yet created) until `untrack`: it is removed if the process leaves first. */
export function track(path: string): void {
  if (partial.size === 0) process.once('exit', removeAll)
  partial.add(path)
}

/** `path` was renamed into place or removed: nothing to clean up any more. */
export function untrack(path: string): void {
  partial.delete(path)
  if (partial.size === 0) process.removeListener('exit', removeAll)
}

/** A tracked temporary file's whole life: created by `use`, removed afterwards unless `use` renamed it away. */
export async function withPartial<T>(path: string, use: () => Promise<T>): Promise<T> {
  track(path)
  try {
    return await use()
  } finally {
    rmSync(path, {force: true})
    untrack(path)
  }
}
