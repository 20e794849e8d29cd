/**
 * The emulated CloudWatch Logs service: the operations mfbatch, the AWS CLI (`aws logs tail`, `get-log-events`) and
 * the SDKs use, over a catalog of groups and streams whose events live in append-only files. It is also the LogSink
 * the Batch job runner writes job output to.
 */
import {
  ApiError,
  type EmulatedService,
  EMULATOR_ACCOUNT_ID,
  EMULATOR_DEFAULT_REGION,
  JsonBody,
  type LogSink,
  STREAM_ENDED_HEADER,
} from '../contract'
import {Catalog, type LogGroup, type LogStream} from './catalog'
import {describeGroups, describeStreams} from './describe'
import {filterEvents} from './filter'
import {compileFilterPattern} from './filter-pattern'
import {selectPage} from './paging'
import {checkPutBatch} from './put-rules'

export interface LogsServiceOptions {
  accountId?: string
  /** The clock of ingestion times and of PutLogEvents' age rules (tests fix it). */
  now?: () => number
  region?: string
  /** Where groups, streams and events persist. */
  stateDir: string
}

export type LogsService = EmulatedService & LogSink & {flush(): void}

type Input = Record<string, unknown>

export const GROUP_NOT_FOUND = 'The specified log group does not exist.'
export const STREAM_NOT_FOUND = 'The specified log stream does not exist.'

export function createLogsService(options: LogsServiceOptions): LogsService {
  const now = options.now ?? Date.now
  const arnPrefix = `arn:aws:logs:${options.region ?? EMULATOR_DEFAULT_REGION}:${options.accountId ?? EMULATOR_ACCOUNT_ID}`
  const catalog = new Catalog(options.stateDir)
  /** Streams whose writer is done (not persisted: after a restart a reader falls back to its grace period). */
  const ended = new WeakSet<LogStream>()

  const group = (input: Input): LogGroup => {
    const name = groupName(input)
    const found = catalog.groups.get(name)
    if (!found) throw new ApiError('ResourceNotFoundException', GROUP_NOT_FOUND)
    return found
  }

  const stream = (input: Input): LogStream => {
    const found = group(input).streams.get(input.logStreamName as string)
    if (!found) throw new ApiError('ResourceNotFoundException', STREAM_NOT_FOUND)
    return found
  }

  /** The stream and the page of its events a GetLogEvents asks for. */
  const logPage = (input: Input) => {
    const target = stream(input)
    const {file} = target
    const page = selectPage(file, {
      endTime: input.endTime as number | undefined,
      limit: input.limit as number | undefined,
      nextToken: input.nextToken as string | undefined,
      startFromHead: input.startFromHead as boolean | undefined,
      startTime: input.startTime as number | undefined,
    })
    const headers: Record<string, string> = ended.has(target) ? {[STREAM_ENDED_HEADER]: 'true'} : {}
    return {file, headers, page}
  }

  const append = (target: LogStream, events: ReadonlyArray<{message: string; timestamp: number}>): number => {
    const ingestionTime = now()
    const first = target.file.append(events.map((e) => ({ingestionTime, message: e.message, timestamp: e.timestamp})))
    catalog.touched(target)
    return first
  }

  const ensure = (groupNameValue: string, streamName: string): LogStream => {
    const g = catalog.groups.get(groupNameValue) ?? catalog.createGroup(groupNameValue, now())
    return g.streams.get(streamName) ?? catalog.createStream(g, streamName, now())
  }

  return {
    append(groupNameValue, streamName, events) {
      append(ensure(groupNameValue, streamName), events)
    },
    endStream(groupNameValue, streamName) {
      ended.add(ensure(groupNameValue, streamName))
    },
    ensureStream(groupNameValue, streamName) {
      ensure(groupNameValue, streamName)
    },
    flush: () => catalog.flush(),
    operations: {
      CreateLogGroup(input) {
        const name = input.logGroupName as string
        if (catalog.groups.has(name)) {
          throw new ApiError('ResourceAlreadyExistsException', 'The specified log group already exists')
        }

        catalog.createGroup(name, now())
        return {}
      },
      CreateLogStream(input) {
        const g = group(input)
        const name = input.logStreamName as string
        if (g.streams.has(name)) {
          throw new ApiError('ResourceAlreadyExistsException', 'The specified log stream already exists')
        }

        catalog.createStream(g, name, now())
        return {}
      },
      DeleteLogGroup(input) {
        catalog.deleteGroup(group(input))
        return {}
      },
      DeleteLogStream(input) {
        catalog.deleteStream(stream(input))
        return {}
      },
      DescribeLogGroups: (input) => describeGroups([...catalog.groups.values()], input, arnPrefix),
      DescribeLogStreams: (input) => describeStreams(group(input), input, arnPrefix),
      FilterLogEvents(input) {
        const g = group(input)
        const names = input.logStreamNames as string[] | undefined
        const prefix = input.logStreamNamePrefix as string | undefined
        if (names && prefix !== undefined) {
          throw new ApiError(
            'InvalidParameterException',
            'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.',
          )
        }

        const streams = [...g.streams.values()]
          .filter((s) => (names ? names.includes(s.name) : prefix === undefined || s.name.startsWith(prefix)))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        return filterEvents(streams, {
          endTime: input.endTime as number | undefined,
          limit: input.limit as number | undefined,
          matcher: compileFilterPattern(input.filterPattern as string | undefined),
          nextToken: input.nextToken as string | undefined,
          startTime: input.startTime as number | undefined,
        })
      },
      GetLogEvents(input) {
        const {file, page} = logPage(input)
        return {
          events: file.read(page.positions),
          nextBackwardToken: page.nextBackwardToken,
          nextForwardToken: page.nextForwardToken,
        }
      },
      PutLogEvents(input) {
        const s = stream(input)
        const events = input.logEvents as Array<{message: string; timestamp: number}>
        const {accepted, rejected} = checkPutBatch(events, now())
        const first = append(s, accepted)
        return {
          nextSequenceToken: String(first + accepted.length).padStart(56, '0'),
          ...(rejected ? {rejectedLogEventsInfo: rejected} : {}),
        }
      },
    },
    serialized: {
      GetLogEvents(input) {
        const {file, headers, page} = logPage(input)
        // Tokens are `f/` or `b/` and digits: nothing to escape.
        const tokens = `"nextBackwardToken":"${page.nextBackwardToken}","nextForwardToken":"${page.nextForwardToken}"`
        return new JsonBody(file.eventsJson(page.positions, '{"events":', `,${tokens}}`), headers)
      },
    },
    start() {
      catalog.load()
    },
    stop() {
      catalog.close()
    },
  }
}

/**
 * The group a request names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN, with or without `:*`);
 * exactly one of them.
 */
function groupName(input: Input): string {
  const name = input.logGroupName as string | undefined
  const identifier = input.logGroupIdentifier as string | undefined
  if (name !== undefined && identifier !== undefined) {
    throw new ApiError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.')
  }

  if (identifier !== undefined) {
    const arn = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier)
    return arn ? arn[1] : identifier
  }

  if (name === undefined) {
    throw new ApiError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.')
  }

  return name
}
