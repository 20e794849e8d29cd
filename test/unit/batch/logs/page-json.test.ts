/**
 * A GetLogEvents answer parsed in pieces gives exactly what one JSON.parse gives, whatever the messages hold
 * (the characters the pieces are cut at, escapes, text from other scripts), and any other shape falls back.
 */
import {parsePage, SPLIT_ABOVE} from '../../../../src/batch/logs/page-json'

const TRICKY = [
  'plain',
  '},{"message":"not a boundary"}',
  'ends with },{',
  '},{',
  '"events":[',
  'a ] b }] c',
  'back\\slash \\"quoted\\" \\\\',
  'tab\tnew\nline',
  'unicode: é 漢字 🙂',
  '{"json":"inside"}',
]

function page(count: number, order: 'events-first' | 'events-last' = 'events-first') {
  const events = Array.from({length: count}, (_, i) => ({
    eventId: String(i),
    ingestionTime: 1_800_000_000_100 + i,
    message: `${String(i).padStart(8, '0')} ${'x'.repeat(i % 90)} ${TRICKY[i % TRICKY.length]}`,
    timestamp: 1_800_000_000_000 + i,
  }))
  const tokens = {nextBackwardToken: `b/${'0'.repeat(56)}`, nextForwardToken: `f/${'0'.repeat(55)}9`}
  return order === 'events-first' ? {events, ...tokens} : {...tokens, events}
}

describe('a GetLogEvents answer parsed in pieces', () => {
  test.each([
    ['10,000 events, events first', page(10_000)],
    ['10,000 events, events last', page(10_000, 'events-last')],
    ['3,000 events', page(3000)],
    ['one event', page(1)],
    ['no events', page(0)],
  ])('%s: the same as JSON.parse', (_name, answer) => {
    const body = Buffer.from(JSON.stringify(answer))
    expect(parsePage(body)).toEqual(JSON.parse(body.toString('utf8')))
  })

  test('the big answers are really split (larger than the threshold)', () => {
    expect(Buffer.byteLength(JSON.stringify(page(3000)))).toBeGreaterThan(SPLIT_ABOVE)
  })

  test('another shape or spacing falls back to one JSON.parse', () => {
    const nested = {events: Array.from({length: 4000}, (_, i) => ({message: `m${i}`, tags: [{a: 1}, {b: 2}]}))}
    const spaced = JSON.stringify(page(3000), null, 1)
    for (const text of [JSON.stringify(nested), spaced]) {
      const body = Buffer.from(text)
      expect(parsePage(body)).toEqual(JSON.parse(text))
    }
  })

  test('an empty body is an empty answer; broken JSON still throws as JSON.parse does', () => {
    expect(parsePage(Buffer.alloc(0))).toEqual({})
    const broken = Buffer.from(`${JSON.stringify(page(3000)).slice(0, -10)}`)
    expect(() => parsePage(broken)).toThrow(SyntaxError)
  })
})
