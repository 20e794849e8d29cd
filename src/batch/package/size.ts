/** `--package-max-size`: bytes, or a number with a unit (500MB, 1GiB, 2G). */
import {invalid} from '../../errors'

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
}

export function parseSize(raw: string, label: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined
  if (!match || unit === undefined || Number(match[1]) <= 0) {
    throw invalid(label, raw, 'use a size such as 500MB, 1GiB or a number of bytes')
  }

  return Math.floor(Number(match[1]) * unit)
}
