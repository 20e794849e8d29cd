/** How S3 answers a request it will not authenticate: its own error codes, all 403 but a body-hash mismatch. */
import type {Failure, Refusal} from '../auth/sigv4'

const CODES: Record<Refusal, [number, string]> = {
  'bad-signature': [403, 'SignatureDoesNotMatch'],
  'body-hash-mismatch': [400, 'XAmzContentSHA256Mismatch'],
  'expired-token': [400, 'ExpiredToken'],
  incomplete: [400, 'AuthorizationHeaderMalformed'],
  missing: [403, 'AccessDenied'],
  'unknown-key': [403, 'InvalidAccessKeyId'],
  'unsupported-payload': [400, 'InvalidRequest'],
  'wrong-date': [403, 'RequestTimeTooSkewed'],
  'wrong-scope': [400, 'AuthorizationHeaderMalformed'],
}

export function s3Refusal(failure: Failure): {code: string; message: string; status: number} {
  const [status, code] = CODES[failure.refusal]
  return {code, message: failure.message, status}
}
