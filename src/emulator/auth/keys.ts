/**
 * The emulator's secrets and what is derived from them, all stateless: the long-term key (from the credentials
 * file), session credentials for jobs (an access key id and secret derived from a token the emulator signed), the
 * per-job token that fetches them, and the proof that answers a health challenge. Nothing here touches the disk.
 */
import {createHmac, timingSafeEqual} from 'node:crypto'

import type {Failure} from './sigv4'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
}

/** What the ECS container credentials endpoint answers, the shape every SDK and the AWS CLI read. */
export interface SessionCredentials {
  AccessKeyId: string
  Expiration: string
  SecretAccessKey: string
  Token: string
}

/** Session credentials last this long; SDKs fetch new ones from the endpoint before then. */
export const SESSION_TTL_MS = 6 * 60 * 60 * 1000
const TOKEN_PREFIX = 'mfbatch1'
const HEALTH_CONTEXT = 'mfbatch-emulator-health-2:'

const mac = (key: string, data: string): Buffer => createHmac('sha256', key).update(data).digest()
const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The answer to a health challenge: HMAC-SHA256, keyed by the secret, over the challenge, the address the client
 * says it dialled and the address the server's socket listens on (both `host:port`), as hex. A relay on another
 * port that passes the challenge on gets a proof naming the real listening address, which the client refuses.
 */
export function healthProof(secret: string, challenge: string, dialled: string, listening: string): string {
  return mac(secret, `${HEALTH_CONTEXT}${challenge}\n${dialled}\n${listening}`).toString('hex')
}

export class EmulatorKeys {
  constructor(readonly root: Credentials) {}

  healthProof(challenge: string, dialled: string, listening: string): string {
    return healthProof(this.root.secretAccessKey, challenge, dialled, listening)
  }

  /** The job a credentials-endpoint token was made for, or undefined when the emulator did not make it. */
  jobOfToken(token: string): string | undefined {
    const [id, given, extra] = token.split('.')
    if (!id || !given || extra !== undefined) return undefined
    const jobId = Buffer.from(id, 'base64url').toString('utf8')
    return sameText(this.jobToken(jobId), token) ? jobId : undefined
  }

  /** The token a job presents to the credentials endpoint (AWS_CONTAINER_AUTHORIZATION_TOKEN). */
  jobToken(jobId: string): string {
    return `${b64url(jobId)}.${b64url(mac(this.root.secretAccessKey, `job:${jobId}`))}`
  }

  /** The secret that signs for `accessKeyId`, or why there is none (unknown key, bad or expired session token). */
  secretFor(accessKeyId: string, token: string | undefined, now: number): Failure | string {
    const unknown: Failure = {
      message: 'The security token included in the request is invalid.',
      refusal: 'unknown-key',
    }
    if (accessKeyId === this.root.accessKeyId) return token === undefined ? this.root.secretAccessKey : unknown
    if (token === undefined) return unknown
    const session = this.readToken(token)
    if (!session || !sameText(session.accessKeyId, accessKeyId)) return unknown
    if (session.expires <= now) {
      return {message: 'The security token included in the request is expired', refusal: 'expired-token'}
    }

    return session.secretAccessKey
  }

  /** Credentials for one job's processes, valid for SESSION_TTL_MS from `now`. */
  session(jobId: string, now: number): SessionCredentials {
    const expires = now + SESSION_TTL_MS
    const body = b64url(JSON.stringify({e: expires, j: jobId}))
    const token = `${TOKEN_PREFIX}.${body}.${b64url(mac(this.root.secretAccessKey, `token:${body}`))}`
    const derived = this.derive(token)
    return {...derived, Expiration: new Date(expires).toISOString(), Token: token}
  }

  private derive(token: string): Pick<SessionCredentials, 'AccessKeyId' | 'SecretAccessKey'> {
    const secret = this.root.secretAccessKey
    const id = mac(secret, `akid:${token}`).toString('hex').slice(0, 16).toUpperCase()
    return {AccessKeyId: `ASIA${id}`, SecretAccessKey: mac(secret, `secret:${token}`).toString('base64')}
  }

  private readToken(token: string): undefined | {accessKeyId: string; expires: number; secretAccessKey: string} {
    const [prefix, body, given, extra] = token.split('.')
    if (prefix !== TOKEN_PREFIX || !body || !given || extra !== undefined) return undefined
    if (!sameText(b64url(mac(this.root.secretAccessKey, `token:${body}`)), given)) return undefined
    let expires: unknown
    try {
      expires = (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {e?: unknown}).e
    } catch {
      return undefined
    }

    if (typeof expires !== 'number') return undefined
    const derived = this.derive(token)
    return {accessKeyId: derived.AccessKeyId, expires, secretAccessKey: derived.SecretAccessKey}
  }
}
