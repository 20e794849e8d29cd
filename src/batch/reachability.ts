/**
 * Connection failures that will not heal, told apart from an outage worth riding out. Until an endpoint has
 * answered once, a DNS failure (ENOTFOUND, EAI_AGAIN) or a refused connection to another machine means the URL is
 * wrong (a typo in --endpoint-url, a region that does not exist, a VPC endpoint not reachable from here): ten SDK
 * retries would take 14 s to say the same. Such a failure ends the call at once as an `UnreachableEndpoint` error
 * naming the URL, which neither the SDK nor mfbatch's own loops retry. A refused connection on this machine may be
 * an emulator that is still starting: it gets a few quick attempts first. Once the endpoint has answered, every
 * network failure is an outage again, retried as before (an emulator restarting under `submit --follow`).
 */

/** The SDK request of one attempt, as far as a URL can be made from it. */
interface RequestLike {
  hostname?: string
  path?: string
  port?: number
  protocol?: string
}

export class UnreachableEndpoint extends Error {
  override name = 'UnreachableEndpoint'

  constructor(
    readonly url: string,
    /** The Node error code: ENOTFOUND, EAI_AGAIN, ECONNREFUSED. */
    readonly reason: string,
    readonly loopback: boolean,
  ) {
    // No "network", "ECONNRESET" or the like in the message: pacing.isTransient must not take it for an outage.
    super(`Could not connect to the endpoint URL: "${url}" (${reason})`)
  }
}

/** Where an SDK error records the URL that answered it, for a sentence about an answer that was not AWS's. */
export const ANSWERED_URL = Symbol('mfbatch.answeredUrl')

const DNS_CODES = new Set(['EAI_AGAIN', 'ENOTFOUND'])

/** Quick attempts a refused connection on this machine gets (an emulator starting), at the SDK's first delays. */
const LOOPBACK_ATTEMPTS = 3

function codeOf(error: unknown): string | undefined {
  const {code} = (error ?? {}) as {code?: unknown}
  return typeof code === 'string' ? code : undefined
}

function isLoopback(host: string): boolean {
  const bare = host.replaceAll(/^\[|\]$/g, '')
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

function urlOf(request: RequestLike): string {
  const port = request.port ? `:${request.port}` : ''
  return `${request.protocol ?? 'https:'}//${request.hostname ?? ''}${port}${request.path ?? '/'}`
}

interface StackLike {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: {name: string; priority: 'high'; step: 'deserialize'},
  ): void
}

/**
 * Adds the check to a client's middleware stack, below the SDK's retry step so it sees every attempt. `answered`
 * is shared by the clients that talk to the same service, so the SubmitJob client knows the Batch one got answers.
 */
export function failFastWhenUnreachable(stack: StackLike, answered: {yes: boolean}): void {
  stack.add(
    (next) => {
      let refused = 0
      return async (args) => {
        try {
          const result = await next(args)
          answered.yes = true
          return result
        } catch (error) {
          if ((error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode) answered.yes = true
          const code = codeOf(error)
          const request = ((args as {request?: RequestLike}).request ?? {}) as RequestLike
          if (error instanceof Object && !(ANSWERED_URL in error))
            Object.assign(error, {[ANSWERED_URL]: urlOf(request)})
          if (answered.yes || code === undefined) throw error
          const loopback = isLoopback(request.hostname ?? '')
          const fatal =
            DNS_CODES.has(code) || (code === 'ECONNREFUSED' && (!loopback || ++refused >= LOOPBACK_ATTEMPTS))
          if (fatal) throw new UnreachableEndpoint(urlOf(request), code, loopback)
          throw error
        }
      }
    },
    {name: 'mfbatchFailFastWhenUnreachable', priority: 'high', step: 'deserialize'},
  )
}
