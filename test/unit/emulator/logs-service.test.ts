/**
 * The CloudWatch Logs service in-process, operation by operation, with a fixed clock: what each call answers, the
 * errors, FilterLogEvents across streams and pages, and state surviving a restart.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ApiError} from '../../../src/emulator/contract'
import {eventId} from '../../../src/emulator/logs/filter'
import {createLogsService, type LogsService} from '../../../src/emulator/logs/service'

const NOW = 1_800_000_000_000
const ARN = 'arn:aws:logs:us-east-1:000000000000'
let dir: string
let logs: LogsService

type Output = Record<string, unknown>
const call = async (op: string, input: Output = {}): Promise<Output> => (await logs.operations[op](input)) as Output
const failure = async (op: string, input: Output) => {
  try {
    await logs.operations[op](input)
  } catch (error) {
    if (error instanceof ApiError) return {code: error.code, message: error.message, status: error.status}
    throw error
  }

  throw new Error(`${op} did not fail`)
}

function open(): LogsService {
  const service = createLogsService({now: () => NOW, stateDir: dir})
  service.start!()
  return service
}

const notFound = (message: string) => ({code: 'ResourceNotFoundException', message, status: 400})
const messages = (out: Output) => (out.events as Output[]).map((e) => e.message as string)
const messagesStored = async () => messages(await call('GetLogEvents', {logGroupName: 'g', logStreamName: 's'}))

async function put(group: string, stream: string, messages: string[], start = NOW - 1000) {
  await call('PutLogEvents', {
    logEvents: messages.map((message, i) => ({message, timestamp: start + i})),
    logGroupName: group,
    logStreamName: stream,
  })
}

describe('the CloudWatch Logs service', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-logs-'))
    logs = open()
  })

  afterEach(() => {
    logs.stop!()
    rmSync(dir, {force: true, recursive: true})
  })

  describe('groups and streams', () => {
    test('create, describe and delete a group', async () => {
      expect(await call('CreateLogGroup', {logGroupName: '/aws/batch/job'})).toEqual({})
      await call('CreateLogGroup', {logGroupName: 'other'})
      expect(await call('DescribeLogGroups', {logGroupNamePrefix: '/aws'})).toEqual({
        logGroups: [
          {
            arn: `${ARN}:log-group:/aws/batch/job:*`,
            creationTime: NOW,
            logGroupArn: `${ARN}:log-group:/aws/batch/job`,
            logGroupClass: 'STANDARD',
            logGroupName: '/aws/batch/job',
            metricFilterCount: 0,
            storedBytes: 0,
          },
        ],
      })
      expect(await call('DeleteLogGroup', {logGroupName: 'other'})).toEqual({})
      expect(((await call('DescribeLogGroups')).logGroups as Output[]).map((g) => g.logGroupName)).toEqual([
        '/aws/batch/job',
      ])
    })

    test('errors: group exists, group missing, stream exists, stream missing', async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      await call('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})
      expect(await failure('CreateLogGroup', {logGroupName: 'g'})).toEqual({
        code: 'ResourceAlreadyExistsException',
        message: 'The specified log group already exists',
        status: 400,
      })
      expect(await failure('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})).toEqual({
        code: 'ResourceAlreadyExistsException',
        message: 'The specified log stream already exists',
        status: 400,
      })
      expect(await failure('CreateLogStream', {logGroupName: 'nope', logStreamName: 's'})).toEqual(
        notFound('The specified log group does not exist.'),
      )
      expect(await failure('DeleteLogGroup', {logGroupName: 'nope'})).toEqual(
        notFound('The specified log group does not exist.'),
      )
      expect(await failure('GetLogEvents', {logGroupName: 'g', logStreamName: 'nope'})).toEqual(
        notFound('The specified log stream does not exist.'),
      )
      expect(await failure('GetLogEvents', {logGroupName: 'nope', logStreamName: 's'})).toEqual(
        notFound('The specified log group does not exist.'),
      )
      expect(await failure('GetLogEvents', {logStreamName: 's'})).toEqual({
        code: 'InvalidParameterException',
        message: 'Either logGroupName or logGroupIdentifier must be specified.',
        status: 400,
      })
    })

    test('DescribeLogStreams: prefix, order by name or last event time, descending, limit and nextToken', async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      for (const name of ['b', 'a', 'c', 'ab']) {
        // eslint-disable-next-line no-await-in-loop -- set-up, in order
        await call('CreateLogStream', {logGroupName: 'g', logStreamName: name})
      }

      await put('g', 'c', ['x'], NOW - 5000)
      await put('g', 'a', ['y'], NOW - 3000)
      const names = async (input: Output) =>
        ((await call('DescribeLogStreams', {logGroupName: 'g', ...input})).logStreams as Output[]).map(
          (s) => s.logStreamName,
        )
      expect(await names({})).toEqual(['a', 'ab', 'b', 'c'])
      expect(await names({logStreamNamePrefix: 'a'})).toEqual(['a', 'ab'])
      expect(await names({descending: true})).toEqual(['c', 'b', 'ab', 'a'])
      // Streams without events count their creation time (NOW), after both streams with events.
      expect(await names({orderBy: 'LastEventTime'})).toEqual(['c', 'a', 'ab', 'b'])
      const first = await call('DescribeLogStreams', {limit: 3, logGroupName: 'g'})
      expect((first.logStreams as Output[]).length).toBe(3)
      expect(await names({limit: 3, nextToken: first.nextToken})).toEqual(['c'])
      expect(
        await failure('DescribeLogStreams', {logGroupName: 'g', logStreamNamePrefix: 'a', orderBy: 'LastEventTime'}),
      ).toEqual({
        code: 'InvalidParameterException',
        message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
        status: 400,
      })
    })

    test('a stream with events describes its first and last event and ingestion time', async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      await call('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})
      await put('g', 's', ['a', 'b', 'c'])
      expect(await call('DescribeLogStreams', {logGroupIdentifier: `${ARN}:log-group:g:*`})).toEqual({
        logStreams: [
          {
            arn: `${ARN}:log-group:g:log-stream:s`,
            creationTime: NOW,
            firstEventTimestamp: NOW - 1000,
            lastEventTimestamp: NOW - 998,
            lastIngestionTime: NOW,
            logStreamName: 's',
            storedBytes: 0,
            uploadSequenceToken: `${'0'.repeat(55)}3`,
          },
        ],
      })
    })
  })

  describe('PutLogEvents', () => {
    beforeEach(async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      await call('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})
    })

    const day = 86_400_000
    const hour = 3_600_000

    test('events older than 14 days are reported, the rest stored', async () => {
      const out = await call('PutLogEvents', {
        logEvents: [
          {message: 'old', timestamp: NOW - 14 * day - hour},
          {message: 'ok', timestamp: NOW - 14 * day + hour},
        ],
        logGroupName: 'g',
        logStreamName: 's',
      })
      expect(out).toEqual({nextSequenceToken: `${'0'.repeat(55)}1`, rejectedLogEventsInfo: {tooOldLogEventEndIndex: 0}})
      expect(await messagesStored()).toEqual(['ok'])
    })

    test('events more than 2 hours ahead are reported, the rest stored', async () => {
      const out = await call('PutLogEvents', {
        logEvents: [
          {message: 'ok', timestamp: NOW},
          {message: 'new', timestamp: NOW + 3 * hour},
        ],
        logGroupName: 'g',
        logStreamName: 's',
      })
      expect(out).toEqual({
        nextSequenceToken: `${'0'.repeat(55)}1`,
        rejectedLogEventsInfo: {tooNewLogEventStartIndex: 1},
      })
      expect(await messagesStored()).toEqual(['ok'])
    })

    test.each([
      [
        [
          {message: 'b', timestamp: NOW},
          {message: 'a', timestamp: NOW - 1},
        ],
        'Log events in a single PutLogEvents request must be in chronological order.',
      ],
      [
        [
          {message: 'a', timestamp: NOW - 2 * 86_400_000},
          {message: 'b', timestamp: NOW},
        ],
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      ],
      [
        Array.from({length: 2}, () => ({message: 'x'.repeat(600_000), timestamp: NOW})),
        'Upload too large: 1200052 bytes exceeds limit of 1048576',
      ],
    ])('a batch AWS refuses: %#', async (logEvents, message) => {
      expect(await failure('PutLogEvents', {logEvents, logGroupName: 'g', logStreamName: 's'})).toEqual({
        code: 'InvalidParameterException',
        message,
        status: 400,
      })
    })
  })

  describe('GetLogEvents', () => {
    test('events carry timestamp, message and ingestionTime; the newest page comes first', async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      await call('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})
      await put('g', 's', ['one', 'two', 'three'])
      expect(await call('GetLogEvents', {limit: 2, logGroupName: 'g', logStreamName: 's'})).toEqual({
        events: [
          {ingestionTime: NOW, message: 'two', timestamp: NOW - 999},
          {ingestionTime: NOW, message: 'three', timestamp: NOW - 998},
        ],
        nextBackwardToken: `b/${'0'.repeat(55)}1`,
        nextForwardToken: `f/${'0'.repeat(55)}3`,
      })
    })
  })

  describe('FilterLogEvents', () => {
    beforeEach(async () => {
      await call('CreateLogGroup', {logGroupName: 'g'})
      for (const s of ['job/a', 'job/b', 'other']) {
        // eslint-disable-next-line no-await-in-loop -- set-up, in order
        await call('CreateLogStream', {logGroupName: 'g', logStreamName: s})
      }

      await put('g', 'job/a', ['a0 ERROR', 'a1', 'a2 ERROR'], NOW - 1000) // at -1000, -999, -998
      await put('g', 'job/b', ['b0', 'b1 ERROR'], NOW - 999) // at -999, -998
      await put('g', 'other', ['o0 ERROR'], NOW - 1000)
    })

    test('streams are merged in time order, ties by stream name; every event has its stream, eventId, ingestionTime', async () => {
      const out = await call('FilterLogEvents', {logGroupName: 'g', logStreamNamePrefix: 'job/'})
      expect(out).toEqual({
        events: [
          {
            eventId: eventId(1, 0),
            ingestionTime: NOW,
            logStreamName: 'job/a',
            message: 'a0 ERROR',
            timestamp: NOW - 1000,
          },
          {eventId: eventId(1, 1), ingestionTime: NOW, logStreamName: 'job/a', message: 'a1', timestamp: NOW - 999},
          {eventId: eventId(2, 0), ingestionTime: NOW, logStreamName: 'job/b', message: 'b0', timestamp: NOW - 999},
          {
            eventId: eventId(1, 2),
            ingestionTime: NOW,
            logStreamName: 'job/a',
            message: 'a2 ERROR',
            timestamp: NOW - 998,
          },
          {
            eventId: eventId(2, 1),
            ingestionTime: NOW,
            logStreamName: 'job/b',
            message: 'b1 ERROR',
            timestamp: NOW - 998,
          },
        ],
        searchedLogStreams: [
          {logStreamName: 'job/a', searchedCompletely: true},
          {logStreamName: 'job/b', searchedCompletely: true},
        ],
      })
    })

    test('filterPattern, logStreamNames, startTime inclusive and endTime inclusive', async () => {
      expect(messages(await call('FilterLogEvents', {filterPattern: 'ERROR', logGroupName: 'g'}))).toEqual([
        'a0 ERROR',
        'o0 ERROR',
        'a2 ERROR',
        'b1 ERROR',
      ])
      expect(
        messages(await call('FilterLogEvents', {logGroupName: 'g', logStreamNames: ['job/b', 'other', 'missing']})),
      ).toEqual(['o0 ERROR', 'b0', 'b1 ERROR'])
      expect(
        messages(await call('FilterLogEvents', {endTime: NOW - 999, logGroupName: 'g', startTime: NOW - 999})),
      ).toEqual(['a1', 'b0'])
    })

    test('pages with nextToken until there is none, without losing or repeating events', async () => {
      const seen: string[] = []
      let nextToken: string | undefined
      let pages = 0
      do {
        // eslint-disable-next-line no-await-in-loop -- paging is sequential
        const out = await call('FilterLogEvents', {limit: 2, logGroupName: 'g', ...(nextToken ? {nextToken} : {})})
        seen.push(...messages(out))
        nextToken = out.nextToken as string | undefined
        pages++
      } while (nextToken)

      expect(seen).toEqual(['a0 ERROR', 'o0 ERROR', 'a1', 'b0', 'a2 ERROR', 'b1 ERROR'])
      expect(pages).toBe(3)
    })

    test('logStreamNames and logStreamNamePrefix together are refused', async () => {
      expect(
        await failure('FilterLogEvents', {logGroupName: 'g', logStreamNamePrefix: 'j', logStreamNames: ['job/a']}),
      ).toEqual({
        code: 'InvalidParameterException',
        message: 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.',
        status: 400,
      })
    })
  })

  describe('persistence and the LogSink', () => {
    test('groups, streams and events survive a restart, with the same event ids; new streams get new numbers', async () => {
      logs.ensureStream('/aws/batch/job', 'jd/default/1')
      logs.append('/aws/batch/job', 'jd/default/1', [
        {message: 'hello', timestamp: NOW - 10},
        {message: 'world', timestamp: NOW - 5},
      ])
      const before = await call('FilterLogEvents', {logGroupName: '/aws/batch/job'})
      logs.stop!()
      logs = open()
      expect(await call('FilterLogEvents', {logGroupName: '/aws/batch/job'})).toEqual(before)
      logs.append('/aws/batch/job', 'jd/default/1', [{message: 'again', timestamp: NOW}])
      logs.ensureStream('/aws/batch/job', 'jd/default/2')
      const events = (await call('FilterLogEvents', {logGroupName: '/aws/batch/job'})).events as Output[]
      expect(events.map((e) => [e.message, e.eventId])).toEqual([
        ['hello', eventId(1, 0)],
        ['world', eventId(1, 1)],
        ['again', eventId(1, 2)],
      ])
      logs.append('/aws/batch/job', 'jd/default/2', [{message: 'two', timestamp: NOW}])
      expect(
        (
          (await call('FilterLogEvents', {logGroupName: '/aws/batch/job', logStreamNames: ['jd/default/2']}))
            .events as Output[]
        )[0].eventId,
      ).toBe(eventId(2, 0))
    })

    test('a deleted and recreated stream starts empty, with new event ids', async () => {
      logs.append('g', 's', [{message: 'old', timestamp: NOW}])
      await call('DeleteLogStream', {logGroupName: 'g', logStreamName: 's'})
      await call('CreateLogStream', {logGroupName: 'g', logStreamName: 's'})
      logs.stop!()
      logs = open()
      expect((await call('GetLogEvents', {logGroupName: 'g', logStreamName: 's'})).events).toEqual([])
      logs.append('g', 's', [{message: 'new', timestamp: NOW}])
      expect(
        ((await call('FilterLogEvents', {logGroupName: 'g'})).events as Output[]).map((e) => [e.message, e.eventId]),
      ).toEqual([['new', eventId(2, 0)]])
    })
  })
})
