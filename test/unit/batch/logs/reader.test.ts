import type {GetLogEventsCommandOutput} from '@aws-sdk/client-cloudwatch-logs'

import {parsePage} from '../../../../src/batch/logs/page-json'
import {type LogEvent, type LogSink, StreamReader} from '../../../../src/batch/logs/reader'
import {RuntimeError} from '../../../../src/errors'
import {plainText} from '../../../../src/output/log-printer'
import {awsError, FakeClock, FakeLogs, T0} from './logs-fakes'

const G = '/aws/batch/job'
const S = 'def/default/task-1'

function collect(): {pages: LogEvent[][]; sink: (events: LogEvent[]) => void; text: () => string[]} {
  const pages: LogEvent[][] = []
  return {
    pages,
    sink(events) {
      pages.push(events)
    },
    text: () => pages.flat().map((e) => e.message),
  }
}

const numbered = (from: number, to: number): string[] => Array.from({length: to - from}, (_, i) => `line ${from + i}`)

describe('StreamReader.drain', () => {
  test('pages forward 10,000 events at a time and stops when the same token comes back', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 25_000))
    const out = collect()
    const result = await new StreamReader(logs, G, S).drain(out.sink)
    expect(result).toEqual({events: 25_000, exists: true})
    expect(out.pages.map((p) => p.length)).toEqual([10_000, 10_000, 5000])
    expect(out.text()).toEqual(numbered(0, 25_000))
    expect(logs.calls.map((c) => [c.nextToken, c.startFromHead, c.limit])).toEqual([
      [undefined, true, 10_000],
      ['f/10000', true, 10_000],
      ['f/20000', true, 10_000],
      ['f/25000', true, 10_000],
    ])
  })

  test('asks for the next page before printing this one, with a client that sends after promise steps of its own', async () => {
    // The SDK's middleware runs a dozen promise steps before its request leaves; the sink prints without waiting.
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 25_000))
    const sent: string[] = []
    const sdkLike: typeof logs = Object.create(logs) as typeof logs
    sdkLike.getLogEvents = async (input) => {
      for (let step = 0; step < 12; step++) await Promise.resolve() // eslint-disable-line no-await-in-loop
      sent.push(input.nextToken ?? 'head')
      return logs.getLogEvents(input)
    }

    const sentWhenPrinted: string[][] = []
    await new StreamReader(sdkLike, G, S).drain(() => {
      sentWhenPrinted.push([...sent])
    })
    expect(sentWhenPrinted).toEqual([
      ['head', 'f/10000'],
      ['head', 'f/10000', 'f/20000'],
      ['head', 'f/10000', 'f/20000', 'f/25000'],
    ])
  })

  test('an empty stream takes two calls: the second returns the token it was given', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, [])
    const out = collect()
    expect(await new StreamReader(logs, G, S).drain(out.sink)).toEqual({events: 0, exists: true})
    expect(out.pages).toEqual([])
    expect(logs.calls).toHaveLength(2)
  })

  test('goes on from its cursor: a second drain gives only what was appended since, never a line twice', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, ['a', 'b'])
    const out = collect()
    const reader = new StreamReader(logs, G, S)
    await reader.drain(out.sink)
    await reader.drain(out.sink)
    logs.append(G, S, ['c'])
    expect(await reader.drain(out.sink)).toEqual({events: 1, exists: true})
    expect(out.text()).toEqual(['a', 'b', 'c'])
  })

  test('a stream that does not exist yet is reported, not thrown', async () => {
    const logs = new FakeLogs()
    const out = collect()
    expect(await new StreamReader(logs, G, S).drain(out.sink)).toEqual({events: 0, exists: false})
  })

  test('rides out throttling and 5xx with growing, jittered waits, then resumes at the same cursor', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 3))
    const clock = new FakeClock()
    const retries: string[] = []
    const reader = new StreamReader(logs, G, S, {
      clock,
      onRetry: (error) => retries.push((error as Error).name),
      pageSize: 2,
      random: () => 0.5,
    })
    const out = collect()
    await reader.drain(out.sink)
    logs.append(G, S, ['line 3'])
    logs.failures.push(awsError('ThrottlingException', 400), awsError('ServiceUnavailableException', 503))
    await reader.drain(out.sink)
    expect(out.text()).toEqual(numbered(0, 4))
    expect(retries).toEqual(['ThrottlingException', 'ServiceUnavailableException'])
    expect(clock.sleeps).toEqual([750, 1500])
    const tokens = logs.calls.map((c) => c.nextToken)
    expect(tokens).toEqual([undefined, 'f/2', 'f/3', 'f/3', 'f/3', 'f/3', 'f/4'])
  })

  test('an error that will not go away becomes a sentence', async () => {
    const logs = new FakeLogs()
    logs.failures.push(awsError('AccessDeniedException', 400, 'not allowed'))
    const reader = new StreamReader(logs, G, S)
    await expect(reader.drain(() => {})).rejects.toThrow(
      new RuntimeError(`CloudWatch Logs refused GetLogEvents on ${G} ${S} (AccessDeniedException): not allowed`),
    )
  })

  test('--since starts the first read at startTime', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, ['old'], T0)
    logs.append(G, S, ['new'], T0 + 60_000)
    const out = collect()
    await new StreamReader(logs, G, S, {startTime: T0 + 1}).drain(out.sink)
    expect(out.text()).toEqual(['new'])
    expect(logs.calls[0].startTime).toBe(T0 + 1)
    expect(logs.calls[1].startTime).toBeUndefined()
  })

  test('asks for one page ahead of a slow sink, never more', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 4))
    const seen: number[] = []
    const sink = async (): Promise<void> => {
      seen.push(logs.calls.length)
      await new Promise((resolve) => {
        setImmediate(resolve)
      })
    }

    await new StreamReader(logs, G, S, {pageSize: 2}).drain(sink)
    // Pages 0-1 and 2-3, then the call that finds the end: each asked for as the page before it is printed.
    expect(seen).toEqual([2, 3])
    expect(logs.calls).toHaveLength(3)
  })
})

describe('StreamReader.tail', () => {
  test('the last N events, in order, read backward from the end; then drain goes on after them', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 23))
    const out = collect()
    const reader = new StreamReader(logs, G, S, {pageSize: 10})
    expect(await reader.tail(15, out.sink)).toEqual({events: 15, exists: true})
    expect(out.text()).toEqual(numbered(8, 23))
    expect(logs.calls.map((c) => [c.nextToken, c.startFromHead, c.limit])).toEqual([
      [undefined, false, 10],
      ['b/13', false, 5],
    ])
    logs.append(G, S, ['line 23'])
    await reader.drain(out.sink)
    expect(out.text()).toEqual(numbered(8, 24))
  })

  test('asking for more than there is gives everything once', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 7))
    const out = collect()
    expect(await new StreamReader(logs, G, S, {pageSize: 5}).tail(100, out.sink)).toEqual({events: 7, exists: true})
    expect(out.text()).toEqual(numbered(0, 7))
  })

  test('--tail 0 prints nothing and leaves the cursor at the end', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, numbered(0, 5))
    const out = collect()
    const reader = new StreamReader(logs, G, S)
    expect(await reader.tail(0, out.sink)).toEqual({events: 0, exists: true})
    logs.append(G, S, ['after'])
    await reader.drain(out.sink)
    expect(out.text()).toEqual(['after'])
  })
})

/** The fake's answers as the Logs client hands them over: parsed from their bytes by page-json.ts. */
function asBytes(logs: FakeLogs, edit: (text: string) => string = (text) => text): FakeLogs {
  const fromBytes: FakeLogs = Object.create(logs) as FakeLogs
  fromBytes.getLogEvents = async (input) => {
    const {$metadata, ...answer} = await logs.getLogEvents(input)
    // Assigned, not spread: a spread would read the events, and leave the bytes behind.
    return Object.assign(parsePage(Buffer.from(edit(JSON.stringify(answer)))), {$metadata}) as GetLogEventsCommandOutput
  }

  return fromBytes
}

/** A sink that keeps each page as it came: ['lines', text] or ['events', their lines]. */
function both() {
  const pages: Array<['events' | 'lines', string]> = []
  const sink: LogSink = (events) => {
    pages.push(['events', plainText(events)])
  }

  sink.lines = (text) => {
    pages.push(['lines', text.toString('utf8')])
  }

  return {pages, sink, text: () => pages.map(([, text]) => text).join('')}
}

const messages = (from: number, to: number): string[] =>
  numbered(from, to).map((line, i) => (i % 7 === 0 ? `${line}\t"quoted" é 🙂\r\n` : line))

describe('StreamReader.drain into a sink that takes lines', () => {
  test('large pages come as lines, printed as their events would be; the same calls, counts and ingestion time', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, messages(0, 25_000), T0)
    logs.append(G, S, ['last'], T0 + 5)
    const out = both()
    const reader = new StreamReader(asBytes(logs), G, S)
    expect(await reader.drain(out.sink)).toEqual({events: 25_001, exists: true})
    expect(out.pages.map(([kind]) => kind)).toEqual(['lines', 'lines', 'lines'])
    expect(out.text()).toBe(
      plainText([...messages(0, 25_000), 'last'].map((message) => ({message, stream: S, timestamp: 0}))),
    )
    expect(reader.lastIngestionTime).toBe(T0 + 5)
    expect(logs.calls.map((c) => c.nextToken)).toEqual([undefined, 'f/10000', 'f/20000', 'f/25001'])
  })

  test('with --since, or answers too small to be split, pages come as events', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, messages(0, 12_000), T0 + 1)
    const since = both()
    await new StreamReader(asBytes(logs), G, S, {startTime: T0}).drain(since.sink)
    expect(since.pages.map(([kind]) => kind)).toEqual(['events', 'events'])
    const small = both()
    await new StreamReader(asBytes(logs), G, S, {pageSize: 100}).drain(small.sink)
    expect(new Set(small.pages.map(([kind]) => kind))).toEqual(new Set(['events']))
    expect(small.text()).toBe(since.text())
  })

  test('an answer the scan refuses comes as events; one whose events do not parse fails as the call', async () => {
    const logs = new FakeLogs()
    logs.append(G, S, messages(0, 10_000))
    // Spacing inside the events: valid JSON the scan does not read.
    const spaced = both()
    await new StreamReader(
      asBytes(logs, (text) => text.replace('"message":', '"message": ')),
      G,
      S,
    ).drain(spaced.sink)
    expect(spaced.pages.map(([kind]) => kind)).toEqual(['events'])
    expect(spaced.text()).toBe(plainText(messages(0, 10_000).map((message) => ({message, stream: S, timestamp: 0}))))
    const broken = asBytes(logs, (text) => text.replace('"message":', '"message":,'))
    await expect(new StreamReader(broken, G, S).drain(both().sink)).rejects.toThrow(
      new RuntimeError(
        `reading log stream ${S}: the endpoint answered a body that is not JSON, not the AWS API; check --endpoint-url ` +
          '(or AWS_ENDPOINT_URL*) and --region: a proxy, a login page or another service answers there',
      ),
    )
  })
})
