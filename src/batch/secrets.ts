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

/** The value, or the mask when the name looks secret. */
export function maskValue(name: string, value: string): string {
  return looksSecret(name) ? MASK : value
}

/** `NAME=value` as a person may see it. */
export function shownAssignment(name: string, value: string): string {
  return `${name}=${maskValue(name, value)}`
}

/** A copy of a document (the dry-run requests) with every `environment` list masked as maskEnvironment does. */
export function maskEnvironments<T>(document: T): T {
  return JSON.parse(
    JSON.stringify(document, (key, value: unknown) =>
      key === 'environment' && Array.isArray(value)
        ? maskEnvironment(value as Array<{name?: string; value?: string}>)
        : value,
    ),
  ) as T
}

/** A copy of `[{name, value}]` with the values of secret-looking names masked; other members kept as they are. */
export function maskEnvironment<T extends {name?: string; value?: string}>(environment: readonly T[]): T[] {
  return environment.map((entry) =>
    entry.name !== undefined && entry.value !== undefined && looksSecret(entry.name) ? {...entry, value: MASK} : entry,
  )
}
