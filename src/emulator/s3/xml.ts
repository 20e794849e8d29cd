/** S3's XML answers and errors, and the aws-chunked upload encoding some clients send. */
import type {ServerResponse} from 'node:http'

export function escapeXml(value: string): string {
  return value.replaceAll(/[<>&'"]/g, (c) => `&#${c.codePointAt(0)};`)
}

/** `{Tag: value}` objects and arrays as XML elements, in order. */
export function toXml(root: string, body: Record<string, unknown>): string {
  const inner = (value: unknown): string => {
    if (Array.isArray(value)) return value.map((v) => inner(v)).join('')
    if (value && typeof value === 'object') {
      return Object.entries(value)
        .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => el(k, item)) : [el(k, v)]))
        .join('')
    }

    return escapeXml(String(value))
  }

  const el = (tag: string, value: unknown) => `<${tag}>${inner(value)}</${tag}>`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner(body)}</${root}>`
}

export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-length': Buffer.byteLength(xml), 'content-type': 'application/xml', ...headers})
  res.end(xml)
}

export function sendS3Error(res: ServerResponse, status: number, code: string, message: string, head = false): void {
  const xml = toXml('Error', {Code: code, Message: message})
  if (head) {
    res.writeHead(status, {'x-amz-error-code': code})
    res.end()
  } else sendXml(res, status, xml.replace(' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', ''))
}

/** Decodes `Content-Encoding: aws-chunked` (size;chunk-signature=... CRLF data CRLF ... 0 CRLF trailers). */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  while (at < body.length) {
    const end = body.indexOf('\r\n', at)
    if (end === -1) break
    const size = Number.parseInt(body.subarray(at, end).toString('latin1').split(';')[0], 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(body.subarray(end + 2, end + 2 + size))
    at = end + 2 + size + 2
  }

  return Buffer.concat(parts)
}
