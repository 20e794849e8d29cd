import type {AddressInfo, Socket} from 'node:net'

/**
 * The emulator's HTTP front end (node:http, no framework): it knows protocols, authentication, validation against
 * AWS's models, faults and statistics, and hands each valid request to its service's operation handler. A bad
 * request of any kind gets an answer in AWS's shape; nothing a client sends can crash it.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'

import {ApiError, type EmulatedService, type OperationHandler} from './contract'
import {Faults} from './faults'
import {authError} from './http/auth'
import {readBody} from './http/body'
import {CONTENT_TYPES, sendError, sendJson} from './http/respond'
import {type Route, routeBatch, routeLogs} from './http/routes'
import {isS3Request, type S3Service} from './s3/service'
import {sendS3Error} from './s3/xml'
import {Stats} from './stats'
import {violationError} from './validation/errors'
import {loadModel, type ServiceName} from './validation/model'
import {validateShape} from './validation/validate'

export interface ServerOptions {
  /** Allow binding a non-loopback address. The emulator runs commands sent to it: anyone who can reach it can too. */
  allowRemote?: boolean
  faults?: Faults
  /** 127.0.0.1 by default. */
  host?: string
  /** Where warnings and unexpected errors go (stderr by default). */
  log?: (line: string) => void
  /** 0 (the default) picks a free port. */
  port?: number
  /** S3 (path-style REST-XML) on the same port, for code packages. */
  s3?: S3Service
  services: Partial<Record<ServiceName, EmulatedService>>
  stats?: Stats
}

export interface EmulatorServer {
  close(): Promise<void>
  faults: Faults
  port: number
  stats: Stats
  url: string
}

const JSON_TYPE = 'application/json'
const SERVER_ERRORS: Record<ServiceName, string> = {batch: 'ServerException', logs: 'ServiceUnavailableException'}
const THROTTLES: Record<ServiceName, ApiError> = {
  batch: new ApiError('TooManyRequestsException', 'Too Many Requests', 429),
  // CloudWatch Logs throttles with HTTP 400; the SDKs retry it because of its name.
  logs: new ApiError('ThrottlingException', 'Rate exceeded', 400),
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/** Starts listening; resolves once the port is bound. */
export async function startServer(options: ServerOptions): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  if (!isLoopback(host)) {
    if (!options.allowRemote) {
      throw new Error(`refusing to listen on ${host}: the emulator runs commands sent to it; allow it explicitly`)
    }

    log(`warning: listening on ${host}: anyone who can reach this address can run commands on this machine`)
  }

  const faults = options.faults ?? new Faults()
  const stats = options.stats ?? new Stats()
  const handler = new RequestHandler(options.services, faults, stats, log, options.s3)
  const server = createServer({keepAlive: true}, (req, res) => {
    handler.handle(req, res).catch((error: Error) => {
      log(`emulator: unexpected error: ${error.stack ?? error.message}`)
      if (!res.headersSent)
        sendJson(res, {
          body: {__type: 'ServerException', message: 'internal error'},
          contentType: JSON_TYPE,
          status: 500,
        })
    })
  })
  // SDK clients keep connections alive for a while; closing idle ones sooner than they expect causes resets.
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy()
      return
    }

    // Not even HTTP, or headers larger than any AWS front end takes: answered in AWS's shape all the same.
    const large = error.code === 'HPE_HEADER_OVERFLOW'
    const [status, code, message] = large
      ? [431, 'RequestHeaderFieldsTooLarge', 'Request header fields too large']
      : [400, 'BadRequestException', 'Malformed HTTP request']
    const body = JSON.stringify({__type: code, message})
    socket.end(
      `HTTP/1.1 ${status} ${large ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nconnection: close\r\n` +
        `content-type: ${JSON_TYPE}\r\nx-amzn-ErrorType: ${code}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  })
  await listen(server, options.port ?? 0, host)
  const {port} = server.address() as AddressInfo
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    close: () => closeServer(server),
    faults,
    port,
    stats,
    url: `http://${shown}:${port}`,
  }
}

class RequestHandler {
  constructor(
    private readonly services: Partial<Record<ServiceName, EmulatedService>>,
    private readonly faults: Faults,
    private readonly stats: Stats,
    private readonly log: (line: string) => void,
    private readonly s3?: S3Service,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const read = await readBody(req)
    if (!read.ok) {
      if (read.reason === 'too-large') {
        // The body was read and thrown away, so the client reads this answer; the connection then closes.
        res.shouldKeepAlive = false
        const service: ServiceName = req.headers['x-amz-target'] === undefined ? 'batch' : 'logs'
        sendError(res, service, {
          code: 'RequestEntityTooLargeException',
          message: 'Request body too large',
          status: 413,
        })
      }

      return
    }

    if (url.pathname.startsWith('/__emulator/')) return this.admin(req, res, url.pathname)
    if (this.s3 && isS3Request(req, url)) return this.handleS3(req, res, url, read.body)
    const target = req.headers['x-amz-target']
    const method = req.method ?? 'GET'
    const service: ServiceName = target === undefined ? 'batch' : 'logs'
    const denied = authError(service, req.headers, url)
    if (denied) return sendError(res, service, denied)
    const route = target === undefined ? routeBatch(method, url) : routeLogs(method, String(target))
    if ('error' in route) {
      const status = service === 'batch' ? 404 : 400
      return sendError(res, service, {
        code: 'UnknownOperationException',
        message: `Unknown operation ${route.what}`,
        status,
      })
    }

    this.stats.count(route.service, route.operation)
    const decision = this.faults.decide()
    if (decision.latencyMs > 0) await sleep(decision.latencyMs)
    if (decision.verdict === 'throttle') return sendError(res, service, THROTTLES[service])
    if (decision.verdict === 'fault5xx') {
      return sendError(res, service, {code: SERVER_ERRORS[service], message: 'Injected server error', status: 500})
    }

    const answer = await this.call(route, req, read.body)
    if (decision.drop) {
      // The work is done; the client never learns it. This is the ambiguous failure retries must survive.
      req.socket.destroy()
      return
    }

    if (answer instanceof ApiError) return sendError(res, service, answer)
    sendJson(res, {body: answer, contentType: CONTENT_TYPES[service], status: 200})
  }

  private admin(req: IncomingMessage, res: ServerResponse, path: string): void {
    const ok = (body: unknown) => sendJson(res, {body, contentType: JSON_TYPE, status: 200})
    if (path === '/__emulator/health' && req.method === 'GET') {
      return ok({services: Object.keys(this.services), status: 'ok'})
    }

    if (path === '/__emulator/stats' && req.method === 'GET') {
      return ok({calls: this.stats.snapshot(), faults: {...this.faults.counts}})
    }

    if (path === '/__emulator/reset' && req.method === 'POST') {
      this.stats.reset()
      this.faults.reset()
      return ok({})
    }

    const message = `Unknown emulator endpoint ${req.method} ${path}`
    sendJson(res, {body: {message}, contentType: JSON_TYPE, status: 404})
  }

  /** Parses, validates and runs one operation; an ApiError is the answer to send, anything else the response. */
  private async call(route: Route, req: IncomingMessage, body: Buffer): Promise<unknown> {
    const {operation, service} = route
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (body.length > 0 && !acceptedTypes(service).includes(contentType)) {
      return new ApiError(
        'UnsupportedMediaTypeException',
        `Content-Type ${contentType || '(none)'} is not supported; use ${CONTENT_TYPES[service]}`,
        415,
      )
    }

    let input: unknown = {}
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'))
      } catch {
        return new ApiError('SerializationException', 'Request body is not valid JSON')
      }
    }

    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return new ApiError('SerializationException', 'Request body must be a JSON object')
    }

    const merged = {...(input as Record<string, unknown>), ...route.fromUrl}
    const model = loadModel(service)
    const shapeName = model.operations[operation].input?.shape
    if (shapeName) {
      const invalid = violationError(service, validateShape(model, shapeName, merged))
      if (invalid) return invalid
    }

    const handler = this.handler(service, operation)
    if (!handler) {
      const code = service === 'batch' ? 'ClientException' : 'UnknownOperationException'
      return new ApiError(code, `The mfbatch emulator does not implement ${operation}`)
    }

    try {
      return (await handler(merged)) ?? {}
    } catch (error) {
      if (error instanceof ApiError) return error
      this.log(`emulator: ${service}:${operation} failed: ${(error as Error).stack ?? String(error)}`)
      return new ApiError(SERVER_ERRORS[service], `Internal error in ${operation}`, 500)
    }
  }

  /** The operation's handler; its serialized twin when the service has one (same answer, already JSON). */
  private handler(service: ServiceName, operation: string): OperationHandler | undefined {
    const found = this.services[service]
    return found?.serialized?.[operation] ?? found?.operations[operation]
  }

  /** S3 answers in its own XML shapes; signed like the others (header or presigned query). */
  private handleS3(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    // boto3 before 1.36 presigns S3 URLs with the older query signature (AWSAccessKeyId, Expires, Signature).
    const v2 = ['AWSAccessKeyId', 'Expires', 'Signature'].every((name) => url.searchParams.has(name))
    const denied = v2 ? undefined : authError('batch', req.headers, url)
    if (denied) return sendS3Error(res, 403, 'AccessDenied', denied.message, req.method === 'HEAD')
    this.stats.count('s3', this.s3!.handle(req, res, url, body))
  }
}

/** AWS CLI v2, boto3 and the JS SDK send these; JSON 1.0 is tolerated for Logs as AWS's front end does. */
function acceptedTypes(service: ServiceName): string[] {
  return service === 'batch'
    ? ['application/json', 'application/x-amz-json-1.1']
    : ['application/x-amz-json-1.1', 'application/x-amz-json-1.0']
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // A deep backlog: a burst of a thousand new connections must queue, not be refused.
    server.listen({backlog: 2048, host, port}, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
