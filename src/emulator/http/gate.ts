/**
 * The first check on every request, before authentication: it must come from a client of this machine talking to
 * this address. A Host other than the one the emulator listens on means a browser page whose name was rebound to
 * 127.0.0.1 (DNS rebinding); an Origin header means a browser, which AWS's SDKs and CLI never are.
 */
import type {Headers} from '../auth/sigv4'

/** The Host values accepted for an emulator listening on `host`:`port`. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', '[::1]', 'localhost'])
  names.add(host.includes(':') ? `[${host}]` : host)
  const hosts = new Set<string>()
  for (const name of names) {
    hosts.add(`${name.toLowerCase()}:${port}`)
    if (port === 80) hosts.add(name.toLowerCase())
  }

  return hosts
}

/** Why a request is refused before anything else, or undefined. */
export function gateRefusal(headers: Headers, hosts: ReadonlySet<string>): string | undefined {
  if (headers.origin !== undefined) {
    return 'Requests from web pages (with an Origin header) are refused: the emulator runs commands'
  }

  const {host} = headers
  if (typeof host !== 'string' || !hosts.has(host.toLowerCase())) {
    return `Host ${JSON.stringify(host ?? '')} is not an address this emulator listens on; use ${[...hosts][0]}`
  }

  return undefined
}
