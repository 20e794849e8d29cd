/**
 * The emulator's secrets and what is derived from them, all stateless: the long-term key (from the credentials
 * file), session credentials for job attempts (an access key id and secret derived from a token the emulator
 * signed), the per-attempt token that fetches them and the per-attempt secret of its task metadata URI, and the
 * proof that answers a health challenge. Nothing here touches the disk.
 *
 * An attempt is named by its ECS task id (random, one per attempt), so what one attempt was given is worth nothing
 * to the next attempt of the same job, and session credentials end with their attempt: `attemptRunning` says
 * whether it still runs.
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

/**
 * The longest a session may live, as on AWS; it ends sooner when its attempt does (checked on every request).
 * SDKs fetch new ones from the endpoint before then.
 */
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

/** What an attempt's secrets are for: each is signed in its own context, so one cannot stand for another. */
type AttemptSecret = 'credentials' | 'metadata'

export class EmulatorKeys {
  constructor(
    readonly root: Credentials,
    /** Whether the attempt (by task id) still runs; session credentials of one that has ended are refused. */
    private readonly attemptRunning: (attemptId: string) => boolean = () => true,
  ) {}

  /** The attempt a secret was made for, or undefined when the emulator did not make it for that purpose. */
  attemptOf(secret: string, purpose: AttemptSecret): string | undefined {
    const [id, given, extra] = secret.split('.')
    if (!id || !given || extra !== undefined) return undefined
    const attemptId = Buffer.from(id, 'base64url').toString('utf8')
    return sameText(this.attemptSecret(attemptId, purpose), secret) ? attemptId : undefined
  }

  /**
   * The token an attempt presents to the credentials endpoint (AWS_CONTAINER_AUTHORIZATION_TOKEN), or the secret
   * in its task metadata URI (clients send no header there).
   */
  attemptSecret(attemptId: string, purpose: AttemptSecret): string {
    return `${b64url(attemptId)}.${b64url(mac(this.root.secretAccessKey, `${purpose}:${attemptId}`))}`
  }

  healthProof(challenge: string, dialled: string, listening: string): string {
    return healthProof(this.root.secretAccessKey, challenge, dialled, listening)
  }

  /** Whether `accessKeyId` is the emulator's own key (not a job's session), which alone may use its control endpoints. */
  isRoot(accessKeyId: string): boolean {
    return sameText(accessKeyId, this.root.accessKeyId)
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
    // An attempt that has ended takes its credentials with it, as a stopped task's role session is of no use.
    if (session.expires <= now || !this.attemptRunning(session.attemptId)) {
      return {message: 'The security token included in the request is expired', refusal: 'expired-token'}
    }

    return session.secretAccessKey
  }

  /** Credentials for one attempt's processes, valid while it runs and for at most SESSION_TTL_MS from `now`. */
  session(attemptId: string, now: number): SessionCredentials {
    const expires = now + SESSION_TTL_MS
    const body = b64url(JSON.stringify({a: attemptId, e: expires}))
    const token = `${TOKEN_PREFIX}.${body}.${b64url(mac(this.root.secretAccessKey, `token:${body}`))}`
    const derived = this.derive(token)
    return {...derived, Expiration: new Date(expires).toISOString(), Token: token}
  }

  private derive(token: string): Pick<SessionCredentials, 'AccessKeyId' | 'SecretAccessKey'> {
    const secret = this.root.secretAccessKey
    const id = mac(secret, `akid:${token}`).toString('hex').slice(0, 16).toUpperCase()
    return {AccessKeyId: `ASIA${id}`, SecretAccessKey: mac(secret, `secret:${token}`).toString('base64')}
  }

  private readToken(
    token: string,
  ): undefined | {accessKeyId: string; attemptId: string; expires: number; secretAccessKey: string} {
    const [prefix, body, given, extra] = token.split('.')
    if (prefix !== TOKEN_PREFIX || !body || !given || extra !== undefined) return undefined
    if (!sameText(b64url(mac(this.root.secretAccessKey, `token:${body}`)), given)) return undefined
    let fields: {a?: unknown; e?: unknown}
    try {
      fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {a?: unknown; e?: unknown}
    } catch {
      return undefined
    }

    const {a: attemptId, e: expires} = fields ?? {}
    if (typeof expires !== 'number' || typeof attemptId !== 'string') return undefined
    const derived = this.derive(token)
    return {accessKeyId: derived.AccessKeyId, attemptId, expires, secretAccessKey: derived.SecretAccessKey}
  }
}
