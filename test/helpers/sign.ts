/**
 * Signing raw HTTP requests to the emulator with the SDK's own SigV4 signer, for tests that speak HTTP directly
 * (hostile inputs, stats, curl-like calls). The service is Logs when an X-Amz-Target is given, else Batch.
 */
import {SignatureV4} from '@smithy/signature-v4'
import {createHash, createHmac, type Hash, type Hmac} from 'node:crypto'

export interface TestCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** The SDK's Checksum interface over node:crypto (sha256, or HMAC-SHA256 when given a key). */
export class NodeSha256 {
  private hash: Hash | Hmac
  private readonly key?: Buffer | string

  constructor(key?: ArrayBuffer | ArrayBufferView | string) {
    this.key =
      key === undefined || typeof key === 'string'
        ? key
        : ArrayBuffer.isView(key)
          ? Buffer.from(key.buffer, key.byteOffset, key.byteLength)
          : Buffer.from(key)
    this.hash = this.fresh()
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }

  reset(): void {
    this.hash = this.fresh()
  }

  update(data: ArrayBufferView | string): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  }

  private fresh(): Hash | Hmac {
    return this.key === undefined ? createHash('sha256') : createHmac('sha256', this.key)
  }
}

export function testSigner(credentials: TestCredentials, service: string, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({credentials, region, service, sha256: NodeSha256, uriEscapePath: service !== 's3'})
}

/**
 * The headers of a request signed for `url` + `path` (path and query as they will be sent), `headers` included.
 * `service` defaults to logs with an X-Amz-Target, else batch.
 */
export async function signedHeaders(
  credentials: TestCredentials,
  url: string,
  request: {body?: Buffer | string; headers?: Record<string, string>; method: string; path: string; service?: string},
  date = new Date(),
): Promise<Record<string, string>> {
  const {hostname, port} = new URL(url)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value
  const at = request.path.indexOf('?')
  const query: Record<string, string[]> = {}
  if (at !== -1) {
    for (const [name, value] of new URLSearchParams(request.path.slice(at + 1))) (query[name] ??= []).push(value)
  }

  const service = request.service ?? (headers['x-amz-target'] === undefined ? 'batch' : 'logs')
  const signed = await testSigner(credentials, service).sign(
    {
      body: request.body,
      headers: {...headers, host: `${hostname}:${port}`},
      hostname,
      method: request.method,
      path: at === -1 ? request.path : request.path.slice(0, at),
      port: Number(port),
      protocol: 'http:',
      query,
    },
    {signingDate: date},
  )
  return signed.headers as Record<string, string>
}
