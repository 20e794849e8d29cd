/**
 * A page's messages read as lines straight from the answer's bytes are, byte for byte, what the printer makes of
 * the events JSON.parse gives (plainText), whatever the messages hold; anything the scan cannot read exactly is
 * refused (undefined), never read differently.
 */
import {lineOf, messageLines, type RawEvents} from '../../../../src/batch/logs/message-lines'
import {plainText} from '../../../../src/output/log-printer'

/** The events array's place in an answer's bytes, found as page-json.ts finds it. */
function rawOf(body: Buffer): RawEvents {
  const key = Buffer.from('"events":[')
  return {body, close: body.lastIndexOf(0x5d), open: body.indexOf(key) + key.length}
}

const answerOf = (events: unknown[]): Buffer =>
  Buffer.from(JSON.stringify({events, nextBackwardToken: 'b/0', nextForwardToken: 'f/1'}))

/** What the printer prints for the events JSON.parse reads from `body`: the reference. */
function printed(body: Buffer): Buffer {
  const {events} = JSON.parse(body.toString('utf8')) as {events: Array<{message?: string}>}
  if (events.length === 0) return Buffer.alloc(0)
  return Buffer.from(plainText(events.map((e) => ({message: e.message ?? '', stream: 's', timestamp: 0}))))
}

const TRICKY = [
  'plain',
  '',
  'kept its newline\n',
  'windows\r\n',
  'two newlines\n\n',
  'a\nb',
  'quotes " and \\ backslash \\" and \\\\',
  'tab\there',
  '\u001B[31mred\u001B[0m and a bell \u0007',
  'unicode: é 漢字 🙂',
  'a lone surrogate \uD800 and \uDFFF',
  '},{"message":"not an event"}',
  '"events":[ ] } ,',
  'NUL \u0000 and DEL \u007F',
  '  spaced  ',
]

const event = (message: string, i: number) => ({
  ingestionTime: 1_800_000_000_100 + i,
  message,
  timestamp: 1_800_000_000_000 + i,
})

describe('a page as lines from its bytes', () => {
  test('every tricky message: the bytes plainText gives for the parsed events; count and the last ingestion time', () => {
    const body = answerOf(TRICKY.map((message, i) => event(message, i)))
    const lines = messageLines(rawOf(body))
    expect(lines?.text.equals(printed(body))).toBe(true)
    expect(lines).toMatchObject({count: TRICKY.length, lastIngestionTime: 1_800_000_000_100 + TRICKY.length - 1})
  })

  test('10,000 random messages, escapes, control characters and other scripts among them', () => {
    const alphabet = [
      'a',
      'b',
      ' ',
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\u001B',
      '\u0000',
      'é',
      '漢',
      '🙂',
      '\uD800',
      '}',
      ',',
      '{',
      ']',
      ':',
    ]
    let seed = 42
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }

    const messages = Array.from({length: 10_000}, () =>
      Array.from({length: random(14)}, () => alphabet[random(alphabet.length)]).join(''),
    )
    const body = answerOf(messages.map((message, i) => event(message, i)))
    expect(messageLines(rawOf(body))?.text.equals(printed(body))).toBe(true)
  })

  test('other orders and fields, an event without a message, a repeated key, an empty page', () => {
    const cases = [
      '{"events":[{"timestamp":1,"message":"first","ingestionTime":2},{"message":"second"}],"nextForwardToken":"f"}',
      String.raw`{"events":[{"timestamp":-5,"eventId":"x\"y","message":"no message next"},{"timestamp":0}],"x":1}`,
      '{"events":[{"message":"old","message":"new"},{}],"nextForwardToken":"f"}',
      '{"events":[],"nextForwardToken":"f"}',
    ]
    for (const text of cases) {
      const body = Buffer.from(text)
      expect(messageLines(rawOf(body))?.text.toString()).toBe(printed(body).toString())
    }

    expect(messageLines(rawOf(Buffer.from(cases[0])))).toMatchObject({count: 2})
    expect(messageLines(rawOf(Buffer.from(cases[0])))).not.toHaveProperty('lastIngestionTime')
    expect(messageLines(rawOf(Buffer.from(cases[3])))).toMatchObject({count: 0})
  })

  test.each([
    ['spacing', '{"events":[{"message": "a"}]}'],
    ['a nested value', '{"events":[{"message":"a","tags":["t"]}]}'],
    ['a fraction', '{"events":[{"message":"a","timestamp":1.5}]}'],
    ['an exponent', '{"events":[{"message":"a","timestamp":1e3}]}'],
    ['a leading zero', '{"events":[{"message":"a","timestamp":01}]}'],
    ['null', '{"events":[{"message":null}]}'],
    ['true', '{"events":[{"message":"a","seen":true}]}'],
    ['an escaped key', String.raw`{"events":[{"mess\u0061ge":"a"}]}`],
    ['a trailing comma in an event', '{"events":[{"message":"a",}]}'],
    ['a trailing comma in the array', '{"events":[{"message":"a"},]}'],
    ['a bad escape', String.raw`{"events":[{"message":"a\x"}]}`],
    ['an unterminated string', '{"events":[{"message":"a}]}'],
    ['a raw control character', '{"events":[{"message":"a\tb"}]}'],
    ['something that is not an object', '{"events":["a"]}'],
    ['a message that is a number', '{"events":[{"message":5}]}'],
    ['an ingestionTime that is a string', '{"events":[{"message":"a","ingestionTime":"5"}]}'],
  ])('%s is refused', (_name, text) => {
    expect(messageLines(rawOf(Buffer.from(text)))).toBeUndefined()
  })

  test('bytes that are not UTF-8 are refused (JSON.parse would replace them)', () => {
    const body = Buffer.concat([
      Buffer.from('{"events":[{"message":"a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}'),
    ])
    expect(messageLines(rawOf(body))).toBeUndefined()
  })

  test('a line is its message without one trailing newline or CRLF', () => {
    expect(['a', 'a\n', 'a\r\n', 'a\n\n', 'a\r', ''].map((m) => lineOf(m))).toEqual(['a', 'a', 'a', 'a\n', 'a\r', ''])
  })
})
