import type {ServerResponse} from 'node:http'

/**
 * Writing answers the way each protocol expects them. Both put the error code in the `x-amzn-ErrorType` header and
 * in the body's `__type` with a `message`: REST-JSON clients read the header, JSON 1.1 clients read the body, and
 * every AWS SDK, boto3 and the AWS CLI accept either.
 */
import {randomUUID} from 'node:crypto'

import type {ServiceName} from '../validation/model'

import {JsonBody} from '../contract'

export const CONTENT_TYPES: Record<ServiceName, string> = {
  batch: 'application/json',
  logs: 'application/x-amz-json-1.1',
}

export interface Answer {
  body: unknown
  contentType: string
  headers?: Record<string, string>
  status: number
}

export function sendJson(res: ServerResponse, {body, contentType, headers, status}: Answer): void {
  const data = body instanceof JsonBody ? body.bytes : Buffer.from(JSON.stringify(body ?? {}))
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'content-length': data.length,
    'content-type': contentType,
    'x-amzn-RequestId': randomUUID(),
    ...(body instanceof JsonBody ? body.headers : {}),
    ...headers,
  })
  res.end(data)
}

export function sendError(
  res: ServerResponse,
  service: ServiceName,
  error: {code: string; message: string; status: number},
  headers: Record<string, string> = {},
): void {
  sendJson(res, {
    body: {__type: error.code, message: error.message},
    contentType: CONTENT_TYPES[service],
    headers: {'x-amzn-ErrorType': error.code, ...headers},
    status: error.status,
  })
}
