/**
 * Asking whatever answers on a port to prove it is the emulator of a given credentials file: a fresh random
 * challenge goes to the health endpoint, and only a server holding the secret can answer with its HMAC. Nothing
 * else is sent, so a server squatting on the port learns nothing but that someone asked.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'
import {get} from 'node:http'

import {healthProof} from './keys'

/** True when the server at `endpoint` answers the challenge with the right proof; never throws. */
export function provesSecret(endpoint: string, secret: string, timeoutMs = 2000): Promise<boolean> {
  const challenge = randomBytes(32).toString('hex')
  const expected = Buffer.from(healthProof(secret, challenge))
  return new Promise((done) => {
    const req = get(
      `${endpoint}/__emulator/health?challenge=${challenge}`,
      {agent: false, timeout: timeoutMs},
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk
        })
        res.on('end', () => {
          let proof: unknown
          try {
            proof = (JSON.parse(body) as {proof?: unknown}).proof
          } catch {
            proof = undefined
          }

          const given = Buffer.from(typeof proof === 'string' ? proof : '')
          done(res.statusCode === 200 && given.length === expected.length && timingSafeEqual(given, expected))
        })
        res.on('error', () => done(false))
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => done(false))
  })
}
