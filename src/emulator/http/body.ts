/** Reading a request body with a size cap, so one huge or endless upload cannot exhaust the emulator's memory. */
import type {IncomingMessage} from 'node:http'

/** Larger than any AWS Batch or CloudWatch Logs request can be (PutLogEvents tops out at 1 MiB of events). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024
/**
 * How much of an oversized body is read and thrown away so the client, still sending, can read the 413 answer.
 * Past this the connection is cut.
 */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024

export type BodyResult = {body: Buffer; ok: true} | {ok: false; reason: 'aborted' | 'too-large'}

export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = Number(req.headers['content-length']) > maxBytes
    let settled = false
    const settle = (result: BodyResult) => {
      if (settled) return
      settled = true
      resolve(result)
    }

    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) tooLarge = true
      if (!tooLarge) chunks.push(chunk)
      else if (size > MAX_DISCARD_BYTES) {
        req.socket.destroy()
        settle({ok: false, reason: 'aborted'})
      }
    })
    req.on('end', () => settle(tooLarge ? {ok: false, reason: 'too-large'} : {body: Buffer.concat(chunks), ok: true}))
    req.on('error', () => settle({ok: false, reason: 'aborted'}))
    req.on('close', () => settle({ok: false, reason: 'aborted'}))
  })
}

/** Bytes of request bodies the server holds at once; a request that would go past it waits for none, it is refused. */
export class BodyBudget {
  private used = 0

  constructor(private readonly limit: number) {}

  give(bytes: number): void {
    this.used -= bytes
  }

  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false
    this.used += bytes
    return true
  }
}
