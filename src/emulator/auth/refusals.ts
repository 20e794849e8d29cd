/**
 * How each service answers a request it will not authenticate: the one table of exception names and HTTP statuses.
 * AWS Batch (REST-JSON) answers 403; CloudWatch Logs (JSON 1.1) answers 400 for the same names, as AWS's front
 * ends do. Missing and unknown credentials say so; anything wrong with a signature is InvalidSignatureException.
 */
import type {ServiceName} from '../validation/model'
import type {Failure, Refusal} from './sigv4'

import {ApiError} from '../contract'

const CODES: Record<Refusal, string> = {
  'bad-signature': 'InvalidSignatureException',
  'body-hash-mismatch': 'InvalidSignatureException',
  'expired-token': 'ExpiredTokenException',
  incomplete: 'IncompleteSignatureException',
  missing: 'MissingAuthenticationTokenException',
  'unknown-key': 'UnrecognizedClientException',
  'unsupported-payload': 'InvalidSignatureException',
  'wrong-date': 'InvalidSignatureException',
  'wrong-scope': 'InvalidSignatureException',
}

const STATUS: Record<ServiceName, number> = {batch: 403, logs: 400}

export const BAD_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access ' +
  'Key and signing method. Consult the service documentation for details.'

/** The answer to a refused request, in `service`'s shape. */
export function refusal(service: ServiceName, failure: Failure): ApiError {
  const message =
    failure.refusal === 'missing' && service === 'logs' ? 'Request is missing Authentication Token' : failure.message
  return new ApiError(CODES[failure.refusal], message, STATUS[service])
}

/** A request whose Host or Origin says it did not come from a client of this machine. */
export function forbidden(service: ServiceName, message: string): ApiError {
  return new ApiError('AccessDeniedException', message, 403)
}
