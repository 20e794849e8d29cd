import type {ServiceName} from './model'
import type {Violation} from './validate'

/**
 * Turns validation problems into the error each service answers with. AWS reads the body first (a wrong JSON type
 * or a member the model does not know stops it there: CloudWatch Logs says SerializationException), then checks
 * constraints and reports them all in one sentence ("2 validation errors detected: ...; ..."), which CloudWatch
 * Logs sends as InvalidParameterException. AWS Batch answers every client-side problem with ClientException.
 */
import {ApiError} from '../contract'

export function violationError(service: ServiceName, violations: Violation[]): ApiError | undefined {
  if (violations.length === 0) return undefined
  const unreadable = violations.find((v) => v.kind !== 'constraint')
  if (unreadable)
    return new ApiError(service === 'logs' ? 'SerializationException' : 'ClientException', unreadable.message)
  return new ApiError(service === 'logs' ? 'InvalidParameterException' : 'ClientException', summary(violations))
}

/** "1 validation error detected: A" / "3 validation errors detected: A; B; C". */
export function summary(violations: Violation[]): string {
  const n = violations.length
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.map((v) => v.message).join('; ')}`
}
