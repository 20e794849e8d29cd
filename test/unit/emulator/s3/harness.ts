/**
 * The S3 service behind a bare HTTP server on 127.0.0.1, with authentication left out (the server's job, tested on
 * its own): each request's body is vouched for as `auth(req)` says, unsigned by default.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, request as httpRequest, type IncomingMessage, type Server} from 'node:http'
import {type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {PayloadAuth} from '../../../../src/emulator/s3/payload-auth'

import {createS3Service, type S3Service} from '../../../../src/emulator/s3/service'
import {S3Store} from '../../../../src/emulator/s3/store'

export interface Harness {
  auth: (req: IncomingMessage) => PayloadAuth
  close(): Promise<void>
  dir: string
  request(
    method: string,
    path: string,
    init?: {body?: Buffer | string; headers?: Record<string, string>},
  ): Promise<Answer>
  service: S3Service
}

export interface Answer {
  body: Buffer
  headers: Record<string, string>
  status: number
  text: string
}

export async function startS3(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-s3-unit-'))
  const service = createS3Service(new S3Store(join(dir, 's3')))
  const harness = {auth: (): PayloadAuth => ({kind: 'unsigned'})} as unknown as Harness
  const server: Server = createServer((req, res) => {
    service.handle(req, res, harness.auth(req)).catch((error: Error) => {
      res.writeHead(500).end(error.stack)
    })
  })
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done)
  })
  const {port} = server.address() as AddressInfo
  harness.dir = dir
  harness.service = service
  harness.close = async () => {
    await new Promise((done) => {
      server.close(done)
    })
    service.store.close()
    rmSync(dir, {force: true, recursive: true})
  }

  // node:http rather than fetch, which would undo a Content-Encoding the test means to see as stored.
  harness.request = (method, path, init = {}) =>
    new Promise((done, fail) => {
      const req = httpRequest({headers: init.headers, host: '127.0.0.1', method, path, port}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(res.headers)) headers[name] = String(value)
          done({body, headers, status: res.statusCode ?? 0, text: body.toString()})
        })
        res.on('error', fail)
      })
      req.on('error', fail)
      req.end(init.body)
    })

  return harness
}

/** The text of `<tag>` elements in an XML answer. */
export const xmlValues = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1])

/** The CommonPrefixes of a listing. */
export const commonPrefixes = (xml: string) =>
  [...xml.matchAll(/<CommonPrefixes><Prefix>([^<]*)<\/Prefix><\/CommonPrefixes>/g)].map((m) => m[1])
