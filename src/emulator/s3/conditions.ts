/**
 * Conditional requests as S3 evaluates them (RFC 7232's order): If-Match, else If-Unmodified-Since, can fail with
 * 412; then If-None-Match, else If-Modified-Since, answer 304 to a read. CopyObject's `x-amz-copy-source-if-*`
 * follow the same rules, every failure a 412. Last-Modified has whole seconds, so times compare in seconds.
 */
import type {IncomingHttpHeaders} from 'node:http'

import type {ObjectEntry} from './store'

import {S3Error} from './errors'

export type Verdict = 'not-modified' | 'ok' | 'precondition-failed'

const matches = (list: string, etag: string) =>
  list.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '')
    return t === '*' || t === etag || `"${t}"` === etag
  })

const seconds = (ms: number) => Math.floor(ms / 1000)

function date(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : seconds(ms)
}

export function evaluate(headers: IncomingHttpHeaders, entry: ObjectEntry, prefix = ''): Verdict {
  const get = (name: string) => {
    const value = headers[`${prefix}${name}`]
    return Array.isArray(value) ? value.join(',') : value
  }

  const modified = seconds(entry.modified)
  const ifMatch = get('if-match')
  if (ifMatch === undefined) {
    const since = date(get('if-unmodified-since'))
    if (since !== undefined && modified > since) return 'precondition-failed'
  } else if (!matches(ifMatch, entry.etag)) return 'precondition-failed'

  const ifNoneMatch = get('if-none-match')
  if (ifNoneMatch === undefined) {
    const since = date(get('if-modified-since'))
    if (since !== undefined && modified <= since) return 'not-modified'
  } else if (matches(ifNoneMatch, entry.etag)) return 'not-modified'

  return 'ok'
}

export const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
    fields: {Condition: condition},
  })

/** The copy source's conditions: any that fails is a 412. */
export function checkCopySource(headers: IncomingHttpHeaders, entry: ObjectEntry): void {
  if (evaluate(headers, entry, 'x-amz-copy-source-') !== 'ok') throw preconditionFailed('x-amz-copy-source-If-*')
}
