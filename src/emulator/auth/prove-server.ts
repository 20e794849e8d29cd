/**
 * Asking whatever answers on a port to prove it is the emulator of a given credentials file, listening right there:
 * a fresh random challenge and the address dialled go to the health endpoint, and only a server holding the secret
 * can answer with their HMAC together with the address its socket listens on. A relay (another user's process on
 * the port dialled, passing the challenge on to the real emulator elsewhere) gets a proof for the emulator's own
 * address, which is not the one dialled. Nothing else is sent, so a server squatting on the port learns nothing but
 * that someone asked.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'
import {get} from 'node:http'

import {healthProof} from './keys'

/**
 * What answers at an endpoint: `proven` the emulator of the secret, listening on the address dialled; `relay` the
 * emulator of the secret proved itself, but listens elsewhere (`listening`): something in between passed it on;
 * `impostor` something that cannot prove it holds the secret; `silent` nothing answers.
 */
export type ServerProof = {kind: 'impostor'} | {kind: 'proven'} | {kind: 'relay'; listening: string} | {kind: 'silent'}

/** `host:port` of an http URL, the port written out (80 when the URL has none). */
export function dialledAddress(endpoint: string): string {
  const url = new URL(endpoint)
  return `${url.hostname}:${url.port || '80'}`
}

/** Asks the server at `endpoint` for the proof; never throws. */
export function proveServer(endpoint: string, secret: string, timeoutMs = 2000): Promise<ServerProof> {
  const challenge = randomBytes(32).toString('hex')
  const dialled = dialledAddress(endpoint)
  const query = `challenge=${challenge}&dialled=${encodeURIComponent(dialled)}`
  return new Promise((done) => {
    const req = get(`${endpoint}/__emulator/health?${query}`, {agent: false, timeout: timeoutMs}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk
      })
      res.on('end', () => done(judge(res.statusCode, body, {challenge, dialled, secret})))
      res.on('error', () => done({kind: 'impostor'}))
    })
    req.on('timeout', () => req.destroy())
    // Refused, reset or timed out before any answer: nothing (that speaks HTTP) holds the port.
    req.on('error', () => done({kind: 'silent'}))
  })
}

/** True when the server at `endpoint` is the emulator of `secret`, listening where it was dialled. */
export async function provesSecret(endpoint: string, secret: string, timeoutMs = 2000): Promise<boolean> {
  return (await proveServer(endpoint, secret, timeoutMs)).kind === 'proven'
}

function judge(
  status: number | undefined,
  body: string,
  asked: {challenge: string; dialled: string; secret: string},
): ServerProof {
  let answer: {listening?: unknown; proof?: unknown}
  try {
    answer = JSON.parse(body) as typeof answer
  } catch {
    return {kind: 'impostor'}
  }

  const {listening, proof} = answer
  if (status !== 200 || typeof listening !== 'string' || typeof proof !== 'string') return {kind: 'impostor'}
  const expected = Buffer.from(healthProof(asked.secret, asked.challenge, asked.dialled, listening))
  const given = Buffer.from(proof)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return {kind: 'impostor'}
  return listening === asked.dialled ? {kind: 'proven'} : {kind: 'relay', listening}
}
