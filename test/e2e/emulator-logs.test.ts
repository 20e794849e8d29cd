/**
 * The emulated CloudWatch Logs through the real AWS SDK for JavaScript v3, against the built `mfbatch emulator` on a
 * free port: every operation the project relies on, the paging end rule, errors as the SDK parses them, and log
 * events surviving a restart.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateGetLogEvents,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'

import {removeStateDir, startEmulator, type TestEmulator} from '../helpers/emulator'

const ARN = 'arn:aws:logs:us-east-1:000000000000'
let emulator: TestEmulator
let logs: CloudWatchLogsClient

const clientFor = (running: TestEmulator) =>
  new CloudWatchLogsClient({
    credentials: running.credentials,
    endpoint: running.url,
    region: 'us-east-1',
  })

/** The output without the SDK's $metadata, which varies (request ids). */
const body = <T extends {$metadata?: unknown}>(output: T): Omit<T, '$metadata'> => {
  const rest = {...output}
  delete rest.$metadata
  return rest
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    const e = error as {$metadata?: {httpStatusCode?: number}; message: string; name: string}
    return {message: e.message, name: e.name, status: e.$metadata?.httpStatusCode}
  }

  throw new Error('expected the call to fail')
}

describe('CloudWatch Logs through the AWS SDK', () => {
  beforeAll(async () => {
    emulator = await startEmulator()
    logs = clientFor(emulator)
  })

  afterAll(async () => {
    logs?.destroy()
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  const now = Date.now()

  test('groups: create, describe with a prefix, delete', async () => {
    expect(body(await logs.send(new CreateLogGroupCommand({logGroupName: '/test/groups'})))).toEqual({})
    const described = await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/test/groups'}))
    expect(body(described)).toEqual({
      logGroups: [
        {
          arn: `${ARN}:log-group:/test/groups:*`,
          creationTime: expect.any(Number),
          logGroupArn: `${ARN}:log-group:/test/groups`,
          logGroupClass: 'STANDARD',
          logGroupName: '/test/groups',
          metricFilterCount: 0,
          storedBytes: 0,
        },
      ],
    })
    expect(Math.abs(described.logGroups![0].creationTime! - now)).toBeLessThan(60_000)
    expect(body(await logs.send(new DeleteLogGroupCommand({logGroupName: '/test/groups'})))).toEqual({})
    expect(body(await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/test/groups'})))).toEqual({
      logGroups: [],
    })
  })

  test('streams, PutLogEvents, GetLogEvents (newest page first, startFromHead) and DescribeLogStreams', async () => {
    const logGroupName = '/test/streams'
    await logs.send(new CreateLogGroupCommand({logGroupName}))
    await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: 's1'}))
    const put = await logs.send(
      new PutLogEventsCommand({
        logEvents: [1, 2, 3].map((i) => ({message: `line ${i}`, timestamp: now + i})),
        logGroupName,
        logStreamName: 's1',
      }),
    )
    expect(body(put)).toEqual({nextSequenceToken: `${'0'.repeat(55)}3`})
    const newest = await logs.send(new GetLogEventsCommand({limit: 2, logGroupName, logStreamName: 's1'}))
    expect(body(newest)).toEqual({
      events: [
        {ingestionTime: expect.any(Number), message: 'line 2', timestamp: now + 2},
        {ingestionTime: expect.any(Number), message: 'line 3', timestamp: now + 3},
      ],
      nextBackwardToken: `b/${'0'.repeat(55)}1`,
      nextForwardToken: `f/${'0'.repeat(55)}3`,
    })
    const head = await logs.send(
      new GetLogEventsCommand({limit: 2, logGroupName, logStreamName: 's1', startFromHead: true}),
    )
    expect(head.events!.map((e) => e.message)).toEqual(['line 1', 'line 2'])
    const streams = await logs.send(new DescribeLogStreamsCommand({logGroupName}))
    expect(body(streams)).toEqual({
      logStreams: [
        {
          arn: `${ARN}:log-group:/test/streams:log-stream:s1`,
          creationTime: expect.any(Number),
          firstEventTimestamp: now + 1,
          lastEventTimestamp: now + 3,
          lastIngestionTime: expect.any(Number),
          logStreamName: 's1',
          storedBytes: 0,
          uploadSequenceToken: `${'0'.repeat(55)}3`,
        },
      ],
    })
  })

  test('paginateGetLogEvents with stopOnSameToken reads every event once and stops', async () => {
    const logGroupName = '/test/paging'
    await logs.send(new CreateLogGroupCommand({logGroupName}))
    await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: 's'}))
    await logs.send(
      new PutLogEventsCommand({
        logEvents: Array.from({length: 25}, (_, i) => ({message: `m${i}`, timestamp: now + i})),
        logGroupName,
        logStreamName: 's',
      }),
    )
    const pages: string[][] = []
    for await (const page of paginateGetLogEvents(
      {client: logs, stopOnSameToken: true},
      {limit: 10, logGroupName, logStreamName: 's', startFromHead: true},
    )) {
      pages.push(page.events!.map((e) => e.message!))
    }

    expect(pages).toEqual([
      Array.from({length: 10}, (_, i) => `m${i}`),
      Array.from({length: 10}, (_, i) => `m${i + 10}`),
      Array.from({length: 5}, (_, i) => `m${i + 20}`),
      [],
    ])
  })

  test('FilterLogEvents: across streams in time order, pattern, startTime, eventId and logStreamName, nextToken', async () => {
    const logGroupName = '/test/filter'
    await logs.send(new CreateLogGroupCommand({logGroupName}))
    for (const [stream, offset] of [
      ['a', 0],
      ['b', 1],
    ] as const) {
      // eslint-disable-next-line no-await-in-loop -- set-up, in order
      await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: stream}))
      // eslint-disable-next-line no-await-in-loop -- set-up, in order
      await logs.send(
        new PutLogEventsCommand({
          logEvents: [0, 2, 4].map((i) => ({
            message: `${stream}${i} ${i === 2 ? 'ERROR' : 'ok'}`,
            timestamp: now + i + offset,
          })),
          logGroupName,
          logStreamName: stream,
        }),
      )
    }

    const all = await logs.send(new FilterLogEventsCommand({logGroupName}))
    expect(all.events!.map((e) => [e.logStreamName, e.message])).toEqual([
      ['a', 'a0 ok'],
      ['b', 'b0 ok'],
      ['a', 'a2 ERROR'],
      ['b', 'b2 ERROR'],
      ['a', 'a4 ok'],
      ['b', 'b4 ok'],
    ])
    expect(new Set(all.events!.map((e) => e.eventId)).size).toBe(6)
    expect(all.events!.every((e) => /^\d{56}$/.test(e.eventId!) && e.ingestionTime! >= now - 60_000)).toBe(true)
    expect(all.nextToken).toBeUndefined()
    expect(all.searchedLogStreams).toEqual([
      {logStreamName: 'a', searchedCompletely: true},
      {logStreamName: 'b', searchedCompletely: true},
    ])
    const errors = await logs.send(new FilterLogEventsCommand({filterPattern: 'ERROR', logGroupName}))
    expect(errors.events!.map((e) => e.message)).toEqual(['a2 ERROR', 'b2 ERROR'])
    // As `aws logs tail --follow` polls: startTime = the newest timestamp seen, inclusive.
    const since = await logs.send(new FilterLogEventsCommand({interleaved: true, logGroupName, startTime: now + 4}))
    expect(since.events!.map((e) => e.message)).toEqual(['a4 ok', 'b4 ok'])
    const first = await logs.send(new FilterLogEventsCommand({limit: 4, logGroupName}))
    const rest = await logs.send(new FilterLogEventsCommand({limit: 4, logGroupName, nextToken: first.nextToken}))
    expect([...first.events!, ...rest.events!].map((e) => e.eventId)).toEqual(all.events!.map((e) => e.eventId))
    expect(rest.nextToken).toBeUndefined()
  })

  test('errors come back as the SDK names them, with AWS status codes and messages', async () => {
    await logs.send(new CreateLogGroupCommand({logGroupName: '/test/errors'}))
    expect(await failure(logs.send(new CreateLogGroupCommand({logGroupName: '/test/errors'})))).toEqual({
      message: 'The specified log group already exists',
      name: 'ResourceAlreadyExistsException',
      status: 400,
    })
    expect(await failure(logs.send(new GetLogEventsCommand({logGroupName: '/test/none', logStreamName: 's'})))).toEqual(
      {
        message: 'The specified log group does not exist.',
        name: 'ResourceNotFoundException',
        status: 400,
      },
    )
    expect(
      await failure(logs.send(new GetLogEventsCommand({logGroupName: '/test/errors', logStreamName: 's'}))),
    ).toEqual({
      message: 'The specified log stream does not exist.',
      name: 'ResourceNotFoundException',
      status: 400,
    })
    expect(await failure(logs.send(new CreateLogGroupCommand({logGroupName: 'bad name'})))).toEqual({
      message:
        "1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: " +
        String.raw`Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`,
      name: 'InvalidParameterException',
      status: 400,
    })
    expect(
      await failure(
        logs.send(new GetLogEventsCommand({limit: 10_001, logGroupName: '/test/errors', logStreamName: 's'})),
      ),
    ).toEqual({
      message:
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: " +
        'Member must have value less than or equal to 10000',
      name: 'InvalidParameterException',
      status: 400,
    })
  })

  test('log events survive a restart of the emulator on the same state dir', async () => {
    const logGroupName = '/test/restart'
    await logs.send(new CreateLogGroupCommand({logGroupName}))
    await logs.send(new CreateLogStreamCommand({logGroupName, logStreamName: 's'}))
    await logs.send(
      new PutLogEventsCommand({
        logEvents: Array.from({length: 1000}, (_, i) => ({message: `persisted ${i}`, timestamp: now + i})),
        logGroupName,
        logStreamName: 's',
      }),
    )
    const before = await logs.send(new FilterLogEventsCommand({logGroupName}))
    await emulator.stop()
    logs.destroy()
    emulator = await startEmulator({stateDir: emulator.stateDir})
    logs = clientFor(emulator)
    const after = await logs.send(new FilterLogEventsCommand({logGroupName}))
    expect(after.events).toEqual(before.events)
    expect(after.events).toHaveLength(1000)
    const tail = await logs.send(new GetLogEventsCommand({limit: 1, logGroupName, logStreamName: 's'}))
    expect(tail.events!.map((e) => e.message)).toEqual(['persisted 999'])
  })
})
