/** S3's XML answers and errors, and reading the few small XML documents S3 requests carry. */
import type {ServerResponse} from 'node:http'

import {randomBytes} from 'node:crypto'

import type {S3Error} from './errors'

const NAMESPACE = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

export function escapeXml(value: string): string {
  return value.replaceAll(/[<>&'"\r]/g, (c) => `&#${c.codePointAt(0)};`)
}

export function unescapeXml(value: string): string {
  return value.replaceAll(/&(#x[\da-f]+|#\d+|lt|gt|amp|apos|quot);/gi, (_, entity: string) => {
    const named: Record<string, string> = {amp: '&', apos: "'", gt: '>', lt: '<', quot: '"'}
    if (entity[0] !== '#') return named[entity.toLowerCase()]
    const code = entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1))
    return String.fromCodePoint(code)
  })
}

/** `{Tag: value}` objects and arrays as XML elements, in order; undefined members are left out. */
export function toXml(root: string, body: Record<string, unknown>, namespace = true): string {
  const inner = (value: unknown): string => {
    if (Array.isArray(value)) return value.map((v) => inner(v)).join('')
    if (value && typeof value === 'object') {
      return Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => el(k, item)) : [el(k, v)]))
        .join('')
    }

    return escapeXml(String(value))
  }

  const el = (tag: string, value: unknown) => `<${tag}>${inner(value)}</${tag}>`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${namespace ? NAMESPACE : ''}>${inner(body)}</${root}>`
}

export const requestId = () => randomBytes(8).toString('hex').toUpperCase()

export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'content-length': Buffer.byteLength(xml),
    'content-type': 'application/xml',
    'x-amz-request-id': requestId(),
    ...headers,
  })
  res.end(xml)
}

export function sendS3Failure(res: ServerResponse, error: S3Error, head = false): void {
  if (res.headersSent || res.destroyed) return
  const headers = {'x-amz-request-id': requestId(), ...error.detail.headers}
  if (head) {
    res.writeHead(error.status, {'x-amz-error-code': error.code, ...headers})
    res.end()
    return
  }

  const xml = toXml('Error', {Code: error.code, Message: error.message, ...error.detail.fields}, false)
  sendXml(res, error.status, xml, headers)
}

/** The text of every `<tag>` element (no nesting of the same tag), unescaped, in order. */
export function elements(xml: string, tag: string): string[] {
  const pattern = new RegExp(String.raw`<${tag}(?:\s[^>]*)?>([\s\S]*?)</${tag}>|<${tag}(?:\s[^>]*)?/>`, 'g')
  return [...xml.matchAll(pattern)].map((m) => m[1] ?? '')
}

export function element(xml: string, tag: string): string | undefined {
  const [first] = elements(xml, tag)
  return first === undefined ? undefined : unescapeXml(first)
}
