/** Reading a request body with a size cap, so one huge or endless upload cannot exhaust the emulator's memory. */
import type {IncomingMessage} from 'node:http'

/** Larger than any AWS Batch or CloudWatch Logs request can be (PutLogEvents tops out at 1 MiB of events). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

export type BodyResult = {body: Buffer; ok: true} | {ok: false; reason: 'aborted' | 'too-large'}

export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) {
      resolve({ok: false, reason: 'too-large'})
      return
    }

    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (result: BodyResult) => {
      if (settled) return
      settled = true
      resolve(result)
    }

    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Stop buffering; the caller answers 413 and closes the connection, which ends the upload.
        chunks.length = 0
        req.pause()
        settle({ok: false, reason: 'too-large'})
      } else {
        chunks.push(chunk)
      }
    })
    req.on('end', () => settle({body: Buffer.concat(chunks), ok: true}))
    req.on('error', () => settle({ok: false, reason: 'aborted'}))
    req.on('aborted', () => settle({ok: false, reason: 'aborted'}))
  })
}
