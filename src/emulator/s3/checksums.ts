/**
 * The digests S3 keeps of a body: MD5 (the ETag, `Content-MD5`), SHA-256 (the storage name and the SigV4 payload
 * hash) and the flexible checksums the SDKs send (`x-amz-checksum-crc32`, `-crc32c`, `-sha1`, `-sha256`, base64 of
 * the big-endian digest). CRC-32 is zlib's; CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, RFC 3720 B.4)
 * has no Node built-in, so it is the small table implementation the spec describes.
 */
/* eslint-disable no-bitwise -- a CRC is bit arithmetic by nature */
import {createHash, type Hash} from 'node:crypto'
// eslint-disable-next-line n/no-unsupported-features/node-builtins -- in Node 20 since 20.15; engines asks for 20.19
import {crc32} from 'node:zlib'

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]

export const isChecksumAlgorithm = (name: string): name is ChecksumAlgorithm =>
  (CHECKSUM_ALGORITHMS as readonly string[]).includes(name)

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82_f6_3b_78 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }

  return table
})()

/** CRC-32C of `data`, continuing from `previous` (0 to start). */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return ~crc >>> 0
}

/** One running digest with S3's base64 rendering. */
interface Digest {
  base64(): string
  update(data: Buffer): void
}

class CrcDigest implements Digest {
  private value = 0

  constructor(private readonly step: (data: Buffer, previous: number) => number) {}

  base64(): string {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(this.value >>> 0)
    return out.toString('base64')
  }

  update(data: Buffer): void {
    this.value = this.step(data, this.value)
  }
}

class HashDigest implements Digest {
  private readonly hash: Hash

  constructor(algorithm: string) {
    this.hash = createHash(algorithm)
  }

  base64(): string {
    return this.hash.digest('base64')
  }

  update(data: Buffer): void {
    this.hash.update(data)
  }
}

export function newDigest(algorithm: ChecksumAlgorithm): Digest {
  if (algorithm === 'crc32') return new CrcDigest((data, previous) => crc32(data, previous))
  if (algorithm === 'crc32c') return new CrcDigest((data, previous) => crc32c(data, previous))
  return new HashDigest(algorithm)
}

/** The digests of one body as it streams past: always MD5 and SHA-256, and the checksums asked for. */
export class BodyDigests {
  size = 0
  private readonly extra = new Map<ChecksumAlgorithm, Digest>()
  private readonly md5 = createHash('md5')
  private readonly sha256 = createHash('sha256')

  constructor(algorithms: Iterable<ChecksumAlgorithm> = []) {
    for (const algorithm of algorithms) this.extra.set(algorithm, newDigest(algorithm))
  }

  finish(): {checksums: Partial<Record<ChecksumAlgorithm, string>>; md5: Buffer; sha256: string; size: number} {
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {}
    for (const [algorithm, digest] of this.extra) checksums[algorithm] = digest.base64()
    return {checksums, md5: this.md5.digest(), sha256: this.sha256.digest('hex'), size: this.size}
  }

  update(data: Buffer): void {
    this.size += data.length
    this.md5.update(data)
    this.sha256.update(data)
    for (const digest of this.extra.values()) digest.update(data)
  }
}

/** A multipart object's checksum as S3 composes it: the digest of the parts' raw digests, then `-<parts>`. */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partValues: readonly string[]): string {
  const digest = newDigest(algorithm)
  for (const value of partValues) digest.update(Buffer.from(value, 'base64'))
  return `${digest.base64()}-${partValues.length}`
}
