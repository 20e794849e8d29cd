import type {AddressInfo, Server as NetServer, Socket} from 'node:net'

/**
 * The emulator's HTTP front end (node:http, no framework): it knows protocols, authentication, validation against
 * AWS's models, faults and statistics, and hands each valid request to its service's operation handler. A bad
 * request of any kind gets an answer in AWS's shape; nothing a client sends can crash it.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'

import type {EmulatorKeys} from './auth/keys'

import {forbidden, refusal} from './auth/refusals'
import {checkSigV2Presign, isSigV2Presign} from './auth/sigv2-presign'
import {isFailure, type WireRequest} from './auth/sigv4'
import {ApiError, type EmulatedService, type OperationHandler} from './contract'
import {Faults} from './faults'
import {admitBody, admitHeaders, type Admitted, claimedKeyId} from './http/auth'
import {BodyBudget, MAX_BODY_BYTES, readBody} from './http/body'
import {allowedHosts, gateRefusal} from './http/gate'
import {isLoopback} from './http/loopback'
import {CONTENT_TYPES, sendError, sendJson} from './http/respond'
import {type Route, routeBatch, routeLogs} from './http/routes'
import {
  answerCredentials,
  answerTaskMetadata,
  isTaskMetadata,
  JOB_CREDENTIALS_PATH,
  type RunningAttempts,
} from './http/task-endpoints'
import {closeTwin, holdIpv6Loopback} from './http/twin-loopback'
import {S3Error} from './s3/errors'
import {payloadAuth} from './s3/payload-auth'
import {s3Refusal} from './s3/refusals'
import {isS3Request, type S3Service} from './s3/service'
import {sendS3Failure} from './s3/xml'
import {Stats} from './stats'
import {violationError} from './validation/errors'
import {loadModel, type ServiceName} from './validation/model'
import {validateShape} from './validation/validate'

export interface ServerOptions {
  /** Allow binding a non-loopback address. The emulator runs commands sent to it: anyone who can reach it can too. */
  allowRemote?: boolean
  /**
   * The running attempts: the credentials and task metadata endpoints answer an attempt only while it runs, as
   * ECS's answer only the task's own containers (http/task-endpoints.ts).
   */
  attempts?: RunningAttempts
  faults?: Faults
  /** 127.0.0.1 by default. */
  host?: string
  /** The emulator's credentials: every request but the health challenge must be signed with them. */
  keys: EmulatorKeys
  /** Where warnings and unexpected errors go (stderr by default). */
  log?: (line: string) => void
  /** The clock that dates signatures; Date.now by default. */
  now?: () => number
  /** 0 (the default) picks a free port. */
  port?: number
  /** S3 (path-style REST-XML) on the same port, for code packages. */
  s3?: S3Service
  services: Partial<Record<ServiceName, EmulatedService>>
  stats?: Stats
}

export {isLoopback} from './http/loopback'
/** More than any client of one machine opens; past it new connections are refused rather than starve the rest. */
export const MAX_CONNECTIONS = 2048
/** Request bodies held in memory at once, across all connections; past it a request is throttled. */
export const MAX_BODY_BYTES_IN_FLIGHT = 64 * 1024 * 1024

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

export {JOB_CREDENTIALS_PATH, TASK_METADATA_PATH} from './http/task-endpoints'

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
  const handler = new RequestHandler({
    attempts: options.attempts,
    faults,
    keys: options.keys,
    log,
    now: options.now ?? Date.now,
    s3: options.s3,
    services: options.services,
    stats,
  })
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
  // A client trickling a body byte by byte holds memory and a connection: it gets a minute for the whole request.
  server.requestTimeout = 60_000
  server.maxConnections = MAX_CONNECTIONS
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
  const twin = await listenWithTwin(server, options.port ?? 0, host)
  const {port} = server.address() as AddressInfo
  handler.hosts = allowedHosts(host, port)
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    async close() {
      await closeTwin(twin)
      await closeServer(server)
    },
    faults,
    port,
    stats,
    url: `http://${shown}:${port}`,
  }
}

/** What AWS answers a request for an operation it does not have. */
function sendUnknownOperation(res: ServerResponse, service: ServiceName, what: string): void {
  sendError(res, service, {
    code: 'UnknownOperationException',
    message: `Unknown operation ${what}`,
    status: service === 'batch' ? 404 : 400,
  })
}

class RequestHandler {
  /** The Host values this server answers to; set once the port is known. */
  hosts: ReadonlySet<string> = new Set()
  private readonly attempts?: RunningAttempts
  private readonly budget = new BodyBudget(MAX_BODY_BYTES_IN_FLIGHT)
  private readonly faults: Faults
  private readonly keys: EmulatorKeys
  private readonly log: (line: string) => void
  private readonly now: () => number
  private readonly s3?: S3Service
  private readonly services: Partial<Record<ServiceName, EmulatedService>>
  private readonly stats: Stats

  constructor(parts: {
    attempts?: RunningAttempts
    faults: Faults
    keys: EmulatorKeys
    log: (line: string) => void
    now: () => number
    s3?: S3Service
    services: Partial<Record<ServiceName, EmulatedService>>
    stats: Stats
  }) {
    ;({
      attempts: this.attempts,
      faults: this.faults,
      keys: this.keys,
      log: this.log,
      now: this.now,
      s3: this.s3,
      services: this.services,
      stats: this.stats,
    } = parts)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    if (this.s3 && !url.pathname.startsWith('/__emulator/') && isS3Request(req, url))
      return this.handleS3(req, res, url)
    const target = req.headers['x-amz-target']
    const service: ServiceName = target === undefined ? 'batch' : 'logs'
    const body = await this.admit(req, res, url, service)
    if (body === undefined) return
    if (url.pathname.startsWith('/__emulator/')) return this.admin(req, res, url.pathname)
    const method = req.method ?? 'GET'
    const route = target === undefined ? routeBatch(method, url) : routeLogs(method, String(target))
    if ('error' in route) return sendUnknownOperation(res, service, route.what)
    this.stats.count(route.service, route.operation)
    if (this.faults.refuses(route.operation)) return sendUnknownOperation(res, service, route.operation)

    const decision = this.faults.decide()
    if (decision.latencyMs > 0) await sleep(decision.latencyMs)
    if (decision.verdict === 'throttle') return sendError(res, service, THROTTLES[service])
    if (decision.verdict === 'fault5xx') {
      return sendError(res, service, {code: SERVER_ERRORS[service], message: 'Injected server error', status: 500})
    }

    const answer = await this.call(route, req, body)
    const late = this.faults.options.answerDelayMs?.[route.operation]
    if (late) await sleep(late)
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
    if (path === '/__emulator/stats' && req.method === 'GET') {
      return ok({calls: this.stats.snapshot(), faults: {...this.faults.counts}, keyIds: this.stats.keyIdSnapshot()})
    }

    if (path === '/__emulator/reset' && req.method === 'POST') {
      this.stats.reset()
      this.faults.reset()
      return ok({})
    }

    const message = `Unknown emulator endpoint ${req.method} ${path}`
    sendJson(res, {body: {message}, contentType: JSON_TYPE, status: 404})
  }

  /**
   * Host and Origin, then the signature as far as the headers go, then the body (within the in-flight budget),
   * then the signature over it. Answers the request itself (refusals, health, job credentials) and returns
   * undefined, or returns the authenticated body.
   */
  private async admit(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    service: ServiceName,
  ): Promise<Buffer | undefined> {
    // Refused before the body is read: the unread body goes with the connection.
    const refuse = (error: ApiError): undefined => {
      res.shouldKeepAlive = false
      sendError(res, service, error)
      return undefined
    }

    const wrongPlace = gateRefusal(req.headers, this.hosts)
    if (wrongPlace) return refuse(forbidden(service, wrongPlace))
    if (url.pathname === '/__emulator/health' && req.method === 'GET') {
      this.health(req, res, url)
      return undefined
    }

    if (url.pathname === JOB_CREDENTIALS_PATH && req.method === 'GET') {
      answerCredentials(req, res, {attempts: this.attempts, keys: this.keys, now: this.now()})
      return undefined
    }

    if (isTaskMetadata(url.pathname) && req.method === 'GET') {
      answerTaskMetadata(url.pathname, res, {attempts: this.attempts, keys: this.keys, now: this.now()})
      return undefined
    }

    const wire: WireRequest = {headers: req.headers, method: req.method ?? 'GET', target: req.url ?? '/'}
    this.sawKeyId(wire)
    const admitted = admitHeaders(wire, service, this.keys, this.now())
    if (isFailure(admitted)) return refuse(refusal(service, admitted))
    // The control endpoints (stats, faults) are the emulator owner's: a job's session may call AWS APIs only.
    if (url.pathname.startsWith('/__emulator/') && !this.keys.isRoot(admitted.claim.accessKeyId)) {
      return refuse(forbidden(service, "The emulator's control endpoints take only its own credentials, not a job's"))
    }

    const reserved = bodyReservation(req)
    if (!this.budget.take(reserved)) return refuse(THROTTLES[service])
    let read
    try {
      read = await readBody(req)
    } finally {
      this.budget.give(reserved)
    }

    if (!read.ok) {
      if (read.reason === 'too-large') {
        // The body was read and thrown away, so the client reads this answer; the connection then closes.
        res.shouldKeepAlive = false
        sendError(res, service, {
          code: 'RequestEntityTooLargeException',
          message: 'Request body too large',
          status: 413,
        })
      }

      return undefined
    }

    const bodyRefused = admitBody(admitted, wire, service, read.body)
    if (!bodyRefused) return read.body
    sendError(res, service, refusal(service, bodyRefused))
    return undefined
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

  /**
   * S3 answers in its own XML shapes, authenticated as the other services are: Host and Origin, then SigV4 (header
   * or presigned query) or the older presigned query boto3 still makes; the service then reads the body itself.
   */
  private async handleS3(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const head = req.method === 'HEAD'
    const deny = (error: {code: string; message: string; status: number}): void => {
      res.shouldKeepAlive = false
      sendS3Failure(res, error instanceof S3Error ? error : new S3Error(error.code, error.message, error.status), head)
    }

    const wrongPlace = gateRefusal(req.headers, this.hosts)
    if (wrongPlace) return deny({code: 'AccessDenied', message: wrongPlace, status: 403})
    const wire: WireRequest = {headers: req.headers, method: req.method ?? 'GET', target: req.url ?? '/'}
    this.sawKeyId(wire)
    let admitted: Admitted | undefined
    if (isSigV2Presign(url)) {
      const failure = checkSigV2Presign(wire, this.keys, this.now())
      if (failure) return deny(s3Refusal(failure))
    } else {
      const claimed = admitHeaders(wire, 's3', this.keys, this.now())
      if (isFailure(claimed)) return deny(s3Refusal(claimed))
      admitted = claimed
    }

    // Bodies stream to disk as they arrive (s3/ingest.ts), checked against the signature on the way.
    try {
      this.stats.count('s3', await this.s3!.handle(req, res, payloadAuth(admitted, wire)))
    } catch (error) {
      if (error instanceof S3Error) return deny(error)
      this.log(`emulator: s3 ${wire.method} failed: ${(error as Error).stack ?? String(error)}`)
      deny({code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500})
    }
  }

  /**
   * Unauthenticated, and says nothing but "ok" unless challenged: `?challenge=<hex>&dialled=<host:port>` is answered
   * with the address this socket listens on and the HMAC, keyed by the secret, over the challenge, the address the
   * client dialled and that listening address (keys.ts). Only the emulator of that credentials file can compute it,
   * and a relay on another port cannot pass it off as its own.
   */
  private health(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const challenge = url.searchParams.get('challenge')
    if (challenge === null) return sendJson(res, {body: {status: 'ok'}, contentType: JSON_TYPE, status: 200})
    const dialled = url.searchParams.get('dialled') ?? ''
    if (!/^[\da-f]{32,128}$/.test(challenge) || !/^[\w.:[\]-]{1,300}$/.test(dialled)) {
      const message = 'challenge must be 32 to 128 hex digits, with dialled=<host:port> the address the client dialled'
      return sendJson(res, {body: {message}, contentType: JSON_TYPE, status: 400})
    }

    const listening = socketAddress(req.socket.localAddress, req.socket.localPort)
    const proof = this.keys.healthProof(challenge, dialled, listening)
    sendJson(res, {body: {listening, proof, status: 'ok'}, contentType: JSON_TYPE, status: 200})
  }

  /** Counts the key id the request claims, whether or not it is let in (the stats' keyIds). */
  private sawKeyId(wire: WireRequest): void {
    const id = claimedKeyId(wire)
    if (id !== undefined) this.stats.keyId(id)
  }
}

/** AWS CLI v2, boto3 and the JS SDK send these; JSON 1.0 is tolerated for Logs as AWS's front end does. */
function acceptedTypes(service: ServiceName): string[] {
  return service === 'batch'
    ? ['application/json', 'application/x-amz-json-1.1']
    : ['application/x-amz-json-1.1', 'application/x-amz-json-1.0']
}

/** What a request's body may hold: its length, or the per-request cap when chunked; none without either. */
function bodyReservation(req: IncomingMessage): number {
  const length = Number(req.headers['content-length'])
  if (req.headers['content-length'] !== undefined && Number.isFinite(length) && length >= 0) {
    return Math.min(length, MAX_BODY_BYTES)
  }

  return req.headers['transfer-encoding'] === undefined ? 0 : MAX_BODY_BYTES
}

/** `host:port` as a URL writes it: IPv6 in brackets, an IPv4-mapped address as plain IPv4. */
export function socketAddress(address: string | undefined, port: number | undefined): string {
  const host = (address ?? '').replace(/^::ffff:(?=\d+\.)/, '')
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`
}

/**
 * Listens on `host`:`port` and, for 127.0.0.1, holds [::1] on the same port (twin-loopback.ts). With port 0 the
 * system picks the port for 127.0.0.1; when [::1] of that port is taken, another is picked (a few tries).
 */
async function listenWithTwin(server: Server, port: number, host: string): Promise<NetServer | undefined> {
  for (let tries = 0; ; tries++) {
    // eslint-disable-next-line no-await-in-loop -- one bind after the other
    await listen(server, port, host)
    if (host !== '127.0.0.1') return undefined
    const bound = (server.address() as AddressInfo).port
    try {
      // eslint-disable-next-line no-await-in-loop -- same
      return await holdIpv6Loopback(server, bound)
    } catch (error) {
      // eslint-disable-next-line no-await-in-loop -- same
      await closeServer(server)
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      if (port !== 0 || tries >= 4) {
        throw new Error(
          `[::1]:${bound} is held by another process, and a client dialling localhost:${bound} would reach it; ` +
            `nothing was started. Find it with: ss -ltnp 'sport = :${bound}', or use another --port`,
        )
      }
    }
  }
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
