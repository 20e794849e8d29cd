/**
 * Values people must not see over someone's shoulder or in a CI log. Human output (the status detail view, the
 * dry-run document on a terminal, error messages) shows the value of a variable whose name looks secret as a fixed
 * mask; `--json` output is for programs and keeps what AWS holds.
 */

/**
 * SECRET, TOKEN, PASS (PASSWORD, PASSWD, PASSPHRASE, PGPASS), KEY and CREDENTIAL anywhere in the name, in any case.
 * Masking a harmless value now and then (MONKEY) is the price of never showing a real one.
 */
const SECRET_NAME = /secret|token|pass|key|credential/i

/** Always the same length, so the mask tells nothing about the value. */
export const MASK = '****'

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name)
}

/**
 * The credentials part of every URL in the text: `postgres://u:pw@db/x` shows as `postgres://u:****@db/x`, and a
 * URL whose user part has no password (`https://ghp_abc@github.com`, a token as the user) as `https://****@...`.
 */
// The user part runs to the last "@" of the authority, so an "@" typed raw inside a password is masked with it.
const URL_CREDENTIALS = /\b([a-z][\d+.a-z-]*:\/\/)([^\s/?#]+)@(?=[^\s/?#@]*(?:[\s/?#]|$))/gi

export function maskUrlCredentials(text: string): string {
  return text.replaceAll(URL_CREDENTIALS, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return colon === -1 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`
  })
}

/** The value, or the mask when the name looks secret; credentials in a URL are masked whatever the name. */
export function maskValue(name: string, value: string): string {
  return looksSecret(name) ? MASK : maskUrlCredentials(value)
}

/** `NAME=value` as a person may see it. */
export function shownAssignment(name: string, value: string): string {
  return `${name}=${maskValue(name, value)}`
}

/**
 * A copy of a document (the dry-run requests) as a person may see it: every `environment` list masked as
 * maskEnvironment does, and credentials in any URL anywhere in it (the command's arguments too) masked.
 */
export function maskEnvironments<T>(document: T): T {
  return JSON.parse(
    JSON.stringify(document, (key, value: unknown) => {
      if (key === 'environment' && Array.isArray(value)) {
        return maskEnvironment(value as Array<{name?: string; value?: string}>)
      }

      return typeof value === 'string' ? maskUrlCredentials(value) : value
    }),
  ) as T
}

/** A copy of `[{name, value}]` with the values of secret-looking names masked; other members kept as they are. */
export function maskEnvironment<T extends {name?: string; value?: string}>(environment: readonly T[]): T[] {
  return environment.map((entry) =>
    entry.name !== undefined && entry.value !== undefined
      ? {...entry, value: maskValue(entry.name, entry.value)}
      : entry,
  )
}
