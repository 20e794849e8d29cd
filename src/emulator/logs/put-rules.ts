/**
 * PutLogEvents' rules for a batch, as AWS documents them: events in chronological order, spanning at most 24 hours,
 * at most 1,048,576 bytes (each message's UTF-8 bytes plus 26). Events older than 14 days or more than 2 hours in
 * the future are not stored but reported in rejectedLogEventsInfo; the rest are accepted.
 */
import {ApiError} from '../contract'

const DAY = 24 * 60 * 60 * 1000
const MAX_BATCH_BYTES = 1_048_576
const EVENT_OVERHEAD = 26
const TOO_OLD = 14 * DAY
const TOO_NEW = 2 * 60 * 60 * 1000

export interface RejectedInfo {
  tooNewLogEventStartIndex?: number
  tooOldLogEventEndIndex?: number
}

export function checkPutBatch<E extends {message: string; timestamp: number}>(
  events: readonly E[],
  now: number,
): {accepted: E[]; rejected?: RejectedInfo} {
  let bytes = 0
  for (const [i, event] of events.entries()) {
    if (i > 0 && event.timestamp < events[i - 1].timestamp) {
      throw new ApiError(
        'InvalidParameterException',
        'Log events in a single PutLogEvents request must be in chronological order.',
      )
    }

    bytes += Buffer.byteLength(event.message) + EVENT_OVERHEAD
  }

  if (events.length > 0 && events.at(-1)!.timestamp - events[0].timestamp > DAY) {
    throw new ApiError(
      'InvalidParameterException',
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    )
  }

  if (bytes > MAX_BATCH_BYTES) {
    throw new ApiError(
      'InvalidParameterException',
      `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`,
    )
  }

  // The batch is in order, so too-old events form a prefix and too-new ones a suffix.
  let oldEnd = -1
  while (oldEnd + 1 < events.length && events[oldEnd + 1].timestamp < now - TOO_OLD) oldEnd++
  let newStart = events.length
  while (newStart - 1 > oldEnd && events[newStart - 1].timestamp > now + TOO_NEW) newStart--
  const rejected: RejectedInfo = {
    ...(oldEnd >= 0 ? {tooOldLogEventEndIndex: oldEnd} : {}),
    ...(newStart < events.length ? {tooNewLogEventStartIndex: newStart} : {}),
  }
  return {
    accepted: events.slice(oldEnd + 1, newStart),
    ...(Object.keys(rejected).length > 0 ? {rejected} : {}),
  }
}
