/**
 * The Range header as S3 reads it: one range of bytes, `a-b`, `a-` or the suffix `-n`. A header that is not one
 * such range is ignored (the whole object); a range that starts past the end is 416 `InvalidRange`.
 */
import {S3Error} from './errors'

export interface ByteRange {
  end: number
  start: number
}

/** The bytes to send; undefined for the whole object. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) throw invalidRange(header!, size)
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
    if (m[2] !== '' && Number(m[2]) < start) return undefined
  }

  if (start >= size) throw invalidRange(header!, size)
  return {end, start}
}

export const invalidRange = (requested: string, size: number) =>
  new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
    fields: {ActualObjectSize: String(size), RangeRequested: requested},
    headers: {'content-range': `bytes */${size}`},
  })
