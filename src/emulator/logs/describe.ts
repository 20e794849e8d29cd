import type {LogGroup, LogStream} from './catalog'

/**
 * DescribeLogGroups and DescribeLogStreams: listing, ordering and paging (50 at most a page). Tokens are opaque to
 * clients; here they carry the offset into the ordered list.
 */
import {ApiError} from '../contract'

type Input = Record<string, unknown>

const PAGE = 50

export function describeGroups(groups: LogGroup[], input: Input, arnPrefix: string): unknown {
  const prefix = input.logGroupNamePrefix as string | undefined
  const pattern = (input.logGroupNamePattern as string | undefined)?.toLowerCase()
  const identifiers = input.logGroupIdentifiers as string[] | undefined
  if (prefix !== undefined && pattern !== undefined) {
    throw new ApiError(
      'InvalidParameterException',
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    )
  }

  const selected = groups
    .filter((g) => prefix === undefined || g.name.startsWith(prefix))
    .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern))
    .filter(
      (g) =>
        identifiers === undefined || identifiers.some((id) => id === g.name || id.endsWith(`:log-group:${g.name}`)),
    )
    .sort((a, b) => compare(a.name, b.name))
  const {items, nextToken} = page(selected, input)
  return {
    logGroups: items.map((g) => ({
      arn: `${arnPrefix}:log-group:${g.name}:*`,
      creationTime: g.creationTime,
      logGroupArn: `${arnPrefix}:log-group:${g.name}`,
      logGroupClass: 'STANDARD',
      logGroupName: g.name,
      metricFilterCount: 0,
      storedBytes: 0,
    })),
    ...(nextToken ? {nextToken} : {}),
  }
}

export function describeStreams(group: LogGroup, input: Input, arnPrefix: string): unknown {
  const prefix = input.logStreamNamePrefix as string | undefined
  const byTime = input.orderBy === 'LastEventTime'
  if (byTime && prefix !== undefined) {
    throw new ApiError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.')
  }

  const direction = input.descending ? -1 : 1
  const selected = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort(
      (a, b) => direction * (byTime ? lastEvent(a) - lastEvent(b) || compare(a.name, b.name) : compare(a.name, b.name)),
    )
  const {items, nextToken} = page(selected, input)
  return {
    logStreams: items.map((s) => {
      const {file} = s
      const hasEvents = file.count > 0
      return {
        arn: `${arnPrefix}:log-group:${group.name}:log-stream:${s.name}`,
        creationTime: s.creationTime,
        ...(hasEvents
          ? {
              firstEventTimestamp: file.firstTimestamp,
              lastEventTimestamp: file.lastTimestamp,
              lastIngestionTime: file.lastIngestionTime,
            }
          : {}),
        logStreamName: s.name,
        // AWS has reported 0 here since 2019 (the field is deprecated).
        storedBytes: 0,
        uploadSequenceToken: String(file.count).padStart(56, '0'),
      }
    }),
    ...(nextToken ? {nextToken} : {}),
  }
}

/** Streams without events sort as if their last event were at creation, as AWS lists new streams. */
const lastEvent = (s: LogStream): number => (s.file.count > 0 ? s.file.lastTimestamp! : s.creationTime)

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function page<T>(items: T[], input: Input): {items: T[]; nextToken?: string} {
  const limit = (input.limit as number | undefined) ?? PAGE
  const offset = input.nextToken === undefined ? 0 : decodeOffset(input.nextToken as string)
  const end = offset + limit
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? {nextToken: Buffer.from(JSON.stringify({o: end})).toString('base64url')} : {}),
  }
}

function decodeOffset(token: string): number {
  try {
    const {o} = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {o: unknown}
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o
  } catch {
    // Reported below.
  }

  throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.')
}
