/**
 * What a request says about the object it writes: content headers and user metadata (kept as S3 keeps them, the
 * `aws-chunked` content coding removed), the headers of features the emulator does not have (refused with
 * NotImplemented rather than ignored), and the copy source.
 */
import type {IncomingMessage} from 'node:http'

import type {ObjectHeaders} from './store'

import {invalidArgument, notImplemented, S3Error} from './errors'

const CONTENT = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
]
/** S3's limit on the user metadata of one object (names and values, in bytes). */
const MAX_METADATA_BYTES = 2048

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value)

export function objectHeaders(req: IncomingMessage): ObjectHeaders {
  const content: Record<string, string> = {}
  for (const name of CONTENT) {
    let value = text(req.headers[name])
    if (name === 'content-encoding' && value !== undefined) {
      value = value
        .split(',')
        .map((coding) => coding.trim())
        .filter((coding) => coding !== '' && coding.toLowerCase() !== 'aws-chunked')
        .join(',')
    }

    if (value) content[name] = value
  }

  const meta: Record<string, string> = {}
  let bytes = 0
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-')) continue
    const short = name.slice('x-amz-meta-'.length)
    meta[short] = text(value) ?? ''
    bytes += Buffer.byteLength(short) + Buffer.byteLength(meta[short])
  }

  if (bytes > MAX_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, {
      fields: {MaxSizeAllowed: String(MAX_METADATA_BYTES), Size: String(bytes)},
    })
  }

  return {content, meta}
}

/** Headers that ask for what the emulator does not do; accepted only with the value that asks for nothing more. */
const ACCEPTED: Record<string, (value: string) => boolean> = {
  'x-amz-acl': (value) => ['bucket-owner-full-control', 'private'].includes(value),
  'x-amz-server-side-encryption': (value) => value === 'AES256',
  'x-amz-storage-class': (value) => value === 'STANDARD',
}
const REFUSED_PREFIXES = ['x-amz-grant-', 'x-amz-object-lock-', 'x-amz-server-side-encryption-', 'x-amz-website-']
const REFUSED = new Set(['x-amz-tagging', 'x-amz-write-offset-bytes'])

export function refuseUnsupported(req: IncomingMessage): void {
  for (const [name, value] of Object.entries(req.headers)) {
    const given = text(value) ?? ''
    const accepted = ACCEPTED[name]
    if (accepted ? !accepted(given) : REFUSED.has(name) || REFUSED_PREFIXES.some((p) => name.startsWith(p))) {
      throw notImplemented(`${name}: ${given}`)
    }
  }
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=null]`, URL-encoded. */
export function copySource(req: IncomingMessage): undefined | {bucket: string; key: string} {
  const raw = text(req.headers['x-amz-copy-source'])
  if (raw === undefined) return undefined
  const [path, query] = raw.split('?', 2)
  if (query !== undefined) {
    const version = new URLSearchParams(query).get('versionId')
    if (version !== 'null') throw invalidArgument('Invalid version id specified', 'x-amz-copy-source', raw)
  }

  let decoded: string
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''))
  } catch {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      raw,
    )
  }

  const slash = decoded.indexOf('/')
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      raw,
    )
  }

  return {bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1)}
}
