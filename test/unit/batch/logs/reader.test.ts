import {type LogEvent, StreamReader} from '../../../../src/batch/logs/reader'
import {RuntimeError} from '../../../../src/errors'
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
