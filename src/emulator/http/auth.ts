/**
 * AWS refuses a request that carries no Signature Version 4 before looking at anything else. The emulator does
 * the same (so a client that forgot credentials fails here as it would on AWS) but does not verify signatures:
 * any key signs, and there is no secret to check against.
 */
import type {IncomingHttpHeaders} from 'node:http'

import type {ServiceName} from '../validation/model'

import {ApiError} from '../contract'

/** The refusal for a request without SigV4, in each service's shape; undefined when the request is signed. */
export function authError(service: ServiceName, headers: IncomingHttpHeaders, url: URL): ApiError | undefined {
  const authorization = headers.authorization ?? ''
  // A presigned request carries the signature in the query string instead.
  if (url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') return undefined
  if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    if (/Credential=[^,\s]+/.test(authorization) && /Signature=\w+/.test(authorization)) return undefined
    return new ApiError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential' and 'Signature' parameters. Authorization=${authorization}`,
      service === 'batch' ? 403 : 400,
    )
  }

  if (authorization) {
    return new ApiError(
      'IncompleteSignatureException',
      'Authorization header must use the AWS4-HMAC-SHA256 algorithm (Signature Version 4)',
      service === 'batch' ? 403 : 400,
    )
  }

  // REST front ends (Batch) answer 403 "Missing Authentication Token"; JSON 1.1 front ends (Logs) answer 400.
  return service === 'batch'
    ? new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403)
    : new ApiError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', 400)
}
