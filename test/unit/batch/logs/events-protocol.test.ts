/**
 * The GetLogEvents shortcut gives what the SDK's own protocol gives, for the same HTTP answer: a real
 * CloudWatchLogsClient with each protocol, over a request handler that answers from memory.
 */
import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {AwsJson1_1Protocol as SdkProtocol} from '@aws-sdk/core/protocols'
import {Readable} from 'node:stream'

import {STREAM_ENDED_HEADER, withFastGetLogEvents} from '../../../../src/batch/logs/events-protocol'
import {messageLines, type RawEvents} from '../../../../src/batch/logs/message-lines'
import {RAW_EVENTS, SPLIT_ABOVE} from '../../../../src/batch/logs/page-json'
import {STREAM_ENDED_HEADER as EMULATOR_STREAM_ENDED_HEADER} from '../../../../src/emulator/contract'

const FAST = withFastGetLogEvents(SdkProtocol)

interface Answer {
  body: string
  headers?: Record<string, string>
  status: number
  type?: string
}

function client(protocol: typeof SdkProtocol, answer: Answer): CloudWatchLogsClient {
  const requestHandler = {
    async handle() {
      return {
        response: {
          body: Readable.from([Buffer.from(answer.body.slice(0, 7)), Buffer.from(answer.body.slice(7))]),
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': 'request-1',
            ...(answer.type ? {'x-amzn-errortype': answer.type} : {}),
            ...answer.headers,
          },
          statusCode: answer.status,
        },
      }
    },
  }
  return new CloudWatchLogsClient({
    credentials: {accessKeyId: 'AKIDTEST', secretAccessKey: 'secret'},
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
    protocol,
    region: 'us-east-1',
    requestHandler: requestHandler as unknown as CloudWatchLogsClientConfig['requestHandler'],
  })
}

/** What each protocol makes of the answer: the output, or the error's name, message and status. */
async function both(answer: Answer, command: () => DescribeLogStreamsCommand | GetLogEventsCommand) {
  const outcome = async (protocol: typeof SdkProtocol) => {
    try {
      return await client(protocol, answer).send(command() as GetLogEventsCommand)
    } catch (error) {
      const {$metadata, message, name} = error as {$metadata: unknown; message: string; name: string}
      return {$metadata, error: name, message}
    }
  }

  return {fast: await outcome(FAST), sdk: await outcome(SdkProtocol)}
}

const getLogEvents = () => new GetLogEventsCommand({logGroupName: 'g', logStreamName: 's', startFromHead: true})

describe("the emulator's word that a stream is complete", () => {
  const page = {events: [], nextBackwardToken: 'b/0', nextForwardToken: 'f/0'}

  test('the client reads the header the emulator sends', () => {
    expect(STREAM_ENDED_HEADER).toBe(EMULATOR_STREAM_ENDED_HEADER)
  })

  test('with the header the answer carries $streamEnded; without it (CloudWatch) it does not', async () => {
    const ended = await client(FAST, {
      body: JSON.stringify(page),
      headers: {[STREAM_ENDED_HEADER]: 'true'},
      status: 200,
    }).send(getLogEvents())
    const plain = await client(FAST, {body: JSON.stringify(page), status: 200}).send(getLogEvents())
    expect(ended).toMatchObject({$streamEnded: true})
    expect(plain).not.toHaveProperty('$streamEnded')
  })
})

describe('the GetLogEvents shortcut', () => {
  test('a page: the same events, tokens and metadata as the SDK makes of it', async () => {
    const page = {
      events: [
        {ingestionTime: 1_800_000_000_100, message: 'plain', timestamp: 1_800_000_000_000},
        {ingestionTime: 1_800_000_000_100, message: 'quotes " and \\ and tab\t', timestamp: 1_800_000_000_001},
        {ingestionTime: 1_800_000_000_100, message: 'unicode: é 漢字 🙂', timestamp: -5},
      ],
      nextBackwardToken: `b/${'0'.repeat(56)}`,
      nextForwardToken: `f/${'0'.repeat(55)}3`,
    }
    const {fast, sdk} = await both({body: JSON.stringify(page), status: 200}, getLogEvents)
    expect(fast).toEqual(sdk)
    expect(fast).toMatchObject(page)
    expect((fast as {$metadata: {requestId: string}}).$metadata.requestId).toBe('request-1')
  })

  test("a large page: the SDK's output, with the answer's bytes kept for reading its messages as lines", async () => {
    const page = {
      events: Array.from({length: 3000}, (_, i) => ({
        ingestionTime: 1_800_000_000_100 + i,
        message: `${String(i).padStart(8, '0')} ${'x'.repeat(69)}${i % 10 === 0 ? ' "quoted"\t' : ''}`,
        timestamp: 1_800_000_000_000 + i,
      })),
      nextBackwardToken: `b/${'0'.repeat(56)}`,
      nextForwardToken: `f/${'0'.repeat(52)}3000`,
    }
    const body = JSON.stringify(page)
    expect(body.length).toBeGreaterThan(SPLIT_ABOVE)
    const fast = await client(FAST, {body, status: 200}).send(getLogEvents())
    const raw = (fast as {[RAW_EVENTS]?: RawEvents})[RAW_EVENTS]
    const lines = raw && messageLines(raw)
    expect(lines?.text.toString()).toBe(page.events.map((e) => `${e.message}\n`).join(''))
    expect(fast).toEqual((await both({body, status: 200}, getLogEvents)).sdk)
  })

  test('an empty page and an empty body', async () => {
    const empty = {events: [], nextBackwardToken: 'b/1', nextForwardToken: 'f/1'}
    const page = await both({body: JSON.stringify(empty), status: 200}, getLogEvents)
    expect(page.fast).toEqual(page.sdk)
    const nothing = await both({body: '', status: 200}, getLogEvents)
    expect(nothing.fast).toEqual(nothing.sdk)
  })

  test('errors go the SDK way: the same exception', async () => {
    const body = JSON.stringify({
      __type: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    })
    const {fast, sdk} = await both({body, status: 400, type: 'ResourceNotFoundException'}, getLogEvents)
    expect(fast).toEqual(sdk)
    expect(fast).toMatchObject({error: 'ResourceNotFoundException'})
  })

  test('other operations go the SDK way', async () => {
    const streams = {logStreams: [{creationTime: 1_800_000_000_000, logStreamName: 's', storedBytes: 0}]}
    const {fast, sdk} = await both(
      {body: JSON.stringify(streams), status: 200},
      () => new DescribeLogStreamsCommand({logGroupName: 'g'}),
    )
    expect(fast).toEqual(sdk)
  })
})
