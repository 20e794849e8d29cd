/** Copying bodies from file to file in pieces, digesting as they pass: never a whole body in memory. */
import {createReadStream} from 'node:fs'
import {type FileHandle, open} from 'node:fs/promises'

import type {BodyDigests} from './checksums'

/** Appends `source`'s bytes `start`..`end` (inclusive; all when not given) to `out`, through `digests`. */
export async function appendFile(
  out: FileHandle,
  source: string,
  digests: BodyDigests,
  range?: {end: number; start: number},
): Promise<void> {
  const stream = createReadStream(source, {highWaterMark: 1024 * 1024, ...range})
  for await (const piece of stream as AsyncIterable<Buffer>) {
    digests.update(piece)
    await out.write(piece)
  }
}

/** A new file (never an existing one) made of pieces of others. */
export async function writeNewFile(path: string, fill: (out: FileHandle) => Promise<void>): Promise<void> {
  const out = await open(path, 'wx', 0o600)
  try {
    await fill(out)
  } finally {
    await out.close()
  }
}
