import type {JobStatus} from '@aws-sdk/client-batch'

import {PassThrough} from 'node:stream'

import {
  diagnosisLines,
  formatEvent,
  logPrinter,
  plainText,
  progressHooks,
  statusLine,
} from '../../../src/output/log-printer'
import {job, T0} from '../batch/logs/logs-fakes'

const event = {message: 'hello', stream: 'def/default/abc', timestamp: T0}

describe('log lines', () => {
  test('plain, with --timestamps, and as NDJSON with the documented field order', () => {
    expect(formatEvent(event)).toBe('hello\n')
    expect(formatEvent(event, {timestamps: true})).toBe('2026-01-02T03:04:05.000Z hello\n')
    expect(formatEvent(event, {json: true})).toBe(`{"timestamp":${T0},"message":"hello","stream":"def/default/abc"}\n`)
  })

  test('--all-nodes: "[N] " before the message, after the timestamp; NDJSON gives the node last', () => {
    const fromNode = {...event, node: 2}
    expect(formatEvent(fromNode)).toBe('[2] hello\n')
    expect(formatEvent(fromNode, {timestamps: true})).toBe('2026-01-02T03:04:05.000Z [2] hello\n')
    expect(formatEvent(fromNode, {json: true})).toBe(
      `{"timestamp":${T0},"message":"hello","stream":"def/default/abc","node":2}\n`,
    )
  })

  test('a message that kept its newline is not doubled; NDJSON keeps the message as it is', () => {
    expect(formatEvent({...event, message: 'line\r\n'})).toBe('line\n')
    expect(formatEvent({...event, message: 'a\nb'}, {json: true})).toBe(
      `{"timestamp":${T0},"message":"a\\nb","stream":"def/default/abc"}\n`,
    )
  })

  test('a page in one piece is the page formatted line by line', () => {
    const messages = ['hello', '', 'kept\n', 'windows\r\n', 'two\n\n', '  spaced  ', 'a\nb', 'ünïcode 古']
    const page = messages.flatMap((message, i) => [
      {...event, message},
      {...event, message, node: i},
    ])
    expect(plainText(page)).toBe(page.map((e) => formatEvent(e)).join(''))
  })

  test('the printer waits for a full stream to drain before taking the next page', async () => {
    const out = new PassThrough({highWaterMark: 4})
    const print = logPrinter(out)
    let done = false
    const printing = Promise.resolve(print([event, event])).then(() => {
      done = true
    })
    await new Promise((resolve) => {
      setImmediate(resolve)
    })
    expect(done).toBe(false)
    expect(out.read().toString()).toBe('hello\nhello\n')
    await printing
    expect(done).toBe(true)
  })
})

const change = (status: JobStatus, previous: JobStatus) => ({at: T0, job: job({status}), previous, status})

describe('progress lines', () => {
  test('a status change with exit code and reason, uncoloured', () => {
    const failed = job({container: {exitCode: 3}, status: 'FAILED', statusReason: 'Essential container in task exited'})
    expect(statusLine({at: T0, job: failed, previous: 'RUNNING', status: 'FAILED'})).toBe(
      'job hello job-1 FAILED (exit 3): Essential container in task exited',
    )
  })

  test('finalLast: the SUCCEEDED or FAILED line waits for release(), the others do not', () => {
    const said: string[] = []
    const progress = progressHooks((line) => said.push(line), {finalLast: true})
    progress.onChange!(change('RUNNING', 'STARTING'))
    progress.onChange!(change('SUCCEEDED', 'RUNNING'))
    expect(said).toEqual(['job hello job-1 RUNNING'])
    progress.release()
    progress.release()
    expect(said).toEqual(['job hello job-1 RUNNING', 'job hello job-1 SUCCEEDED'])
    const plain = progressHooks((line) => said.push(line))
    plain.onChange!(change('FAILED', 'RUNNING'))
    expect(said.at(-1)).toBe('job hello job-1 FAILED')
  })

  test("the job's own text is shown inert on stderr: name, reason, container reason, diagnosis findings", () => {
    const failed = job({
      container: {reason: 'oom\u001B]0;t\u0007'},
      jobName: 'n\u001B[31m',
      status: 'FAILED',
      statusReason: '\u001B[2JFAKE',
    })
    expect(statusLine({at: T0, job: failed, status: 'FAILED'})).toBe('job n^[[31m job-1 FAILED: ^[[2JFAKE; oom^[]0;t^G')
    expect(diagnosisLines({findings: ['\u001B[1A'], job: failed, runnableForMs: 1000})).toEqual([
      'job n^[[31m job-1 has been RUNNABLE for 1s:',
      '  - ^[[1A',
    ])
  })

  test('the printer: inert on a terminal unless --raw or --json, raw in a pipe', async () => {
    const escaped = {...event, message: '\u001B]52;c;eA==\u0007'}
    const printed = async (terminal: boolean, format = {}) => {
      const out = Object.assign(new PassThrough(), {isTTY: terminal})
      await logPrinter(out, format)([escaped])
      return out.read().toString()
    }

    expect(await printed(true)).toBe('^[]52;c;eA==^G\n')
    expect(await printed(true, {timestamps: true})).toBe('2026-01-02T03:04:05.000Z ^[]52;c;eA==^G\n')
    expect(await printed(true, {raw: true})).toBe(`${escaped.message}\n`)
    expect(await printed(true, {json: true})).toBe(
      `{"timestamp":${T0},"message":"\\u001b]52;c;eA==\\u0007","stream":"def/default/abc"}\n`,
    )
    expect(await printed(false)).toBe(`${escaped.message}\n`)
  })

  test('a page as lines (their bytes as they are) only where lines are printed as they are: a pipe, or --raw', async () => {
    const takes = (terminal: boolean, format = {}) =>
      logPrinter(Object.assign(new PassThrough(), {isTTY: terminal}), format).lines !== undefined
    expect([takes(false), takes(true, {raw: true})]).toEqual([true, true])
    expect([takes(true), takes(false, {json: true}), takes(false, {timestamps: true})]).toEqual([false, false, false])
    const out = new PassThrough()
    const bytes = Buffer.from('one\n\u001B[31mtwo\u001B[0m\n')
    await logPrinter(out).lines?.(bytes)
    expect(out.read()).toEqual(bytes)
  })

  test('a diagnosis: a header and one line per finding', () => {
    expect(diagnosisLines({findings: ['a', 'b'], job: job({status: 'RUNNABLE'}), runnableForMs: 65_000})).toEqual([
      'job hello job-1 has been RUNNABLE for 1m05s:',
      '  - a',
      '  - b',
    ])
  })
})
