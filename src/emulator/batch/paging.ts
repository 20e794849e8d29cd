/** Opaque nextToken values: a small JSON cursor, base64url-encoded so clients treat it as a string. */
import {ApiError} from '../contract'

export function encodeToken(cursor: Record<string, number | string>): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

export function decodeToken(token: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through to the error below
  }

  throw new ApiError('ClientException', `Invalid nextToken: ${token} (emulator wording)`)
}

/** One page of a list that rarely changes (queues, compute environments, definitions), by offset. */
export function pageByOffset<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultPage: number,
): {items: T[]; nextToken?: string} {
  const start = nextToken === undefined ? 0 : Number(decodeToken(nextToken).offset ?? 0)
  const size = maxResults ?? defaultPage
  const page = items.slice(start, start + size)
  const end = start + page.length
  return end < items.length ? {items: page, nextToken: encodeToken({offset: end})} : {items: page}
}
