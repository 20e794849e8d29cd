/**
 * GetLogEvents answered from the stream file's bytes (StreamFile.eventsJson, the Logs service's serialized
 * GetLogEvents) says exactly what parsing each event and encoding the page says, and pages are counted in AWS's
 * bytes: the message's UTF-8 bytes plus 26.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {JsonBody} from '../../../src/emulator/contract'
import {createLogsService} from '../../../src/emulator/logs/service'
import {EVENT_OVERHEAD_BYTES, StreamFile} from '../../../src/emulator/logs/stream-file'

const NOW = 1_800_000_000_000
const GET = 'GetLogEvents'
let dir: string

const MESSAGES = [
  'plain',
  'with "quotes", commas, and [brackets]',
  'back\\slash and a tab\there',
  'unicode: é, 漢字, 🙂',
  'control \u0001 and a line\nbreak',
  ',"timestamp":1}',
]

const parse = (bytes: Buffer) => JSON.parse(bytes.toString('utf8'))

describe('StreamFile.eventsJson', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-events-json-'))
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  test('gives the events read() gives, for any message and any timestamps, before and after a reload', () => {
    const path = join(dir, 'stream')
    const file = new StreamFile(path)
    file.append(MESSAGES.map((message, i) => ({ingestionTime: NOW + i, message, timestamp: i === 0 ? -5 : i * 7})))
    file.close()
    const all = MESSAGES.map((_, i) => i)
    for (const f of [file, new StreamFile(path)]) {
      expect(parse(f.eventsJson(all, '', ''))).toEqual(f.read(all))
      expect(parse(f.eventsJson([1, 3, 4], '{"events":', ',"x":1}'))).toEqual({events: f.read([1, 3, 4]), x: 1})
      expect(parse(f.eventsJson([], '{"events":', '}'))).toEqual({events: []})
    }
  })

  test("counts each event as AWS does: the message's UTF-8 bytes plus 26 (escapes count as written)", () => {
    const file = new StreamFile(join(dir, 'stream'))
    file.append(['abc', 'é', 'say "hi"'].map((message) => ({ingestionTime: NOW, message, timestamp: NOW - 1})))
    expect([0, 1, 2].map((p) => file.size(p))).toEqual([3, 2, 10].map((n) => n + EVENT_OVERHEAD_BYTES))
  })
})

describe("the Logs service's serialized GetLogEvents", () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfbatch-events-json-'))
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  test('answers what GetLogEvents answers, page after page', async () => {
    const logs = createLogsService({now: () => NOW, stateDir: dir})
    logs.start!()
    try {
      logs.ensureStream('g', 's')
      logs.append(
        'g',
        's',
        [...MESSAGES, ...MESSAGES].map((message, i) => ({message, timestamp: NOW - 100 + i})),
      )
      const requests = [
        {logGroupName: 'g', logStreamName: 's'},
        {limit: 4, logGroupName: 'g', logStreamName: 's', startFromHead: true},
        {limit: 4, logGroupName: 'g', logStreamName: 's', nextToken: `f/${'0'.repeat(55)}4`},
        {logGroupName: 'g', logStreamName: 's', nextToken: `f/${'0'.repeat(54)}12`},
        {endTime: NOW - 97, logGroupName: 'g', logStreamName: 's', startTime: NOW - 99},
      ]
      for (const request of requests) {
        // eslint-disable-next-line no-await-in-loop
        const plain = await logs.operations[GET](request)
        const body = logs.serialized![GET](request)
        expect(body).toBeInstanceOf(JsonBody)
        expect(parse(body.bytes)).toEqual(plain)
      }

      expect(() => logs.serialized![GET]({logGroupName: 'g', logStreamName: 'nope'})).toThrow(
        'The specified log stream does not exist.',
      )
    } finally {
      logs.stop!()
    }
  })
})
