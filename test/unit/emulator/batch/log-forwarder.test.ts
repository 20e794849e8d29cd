import {FLUSH_EVENTS, LogForwarder, MAX_EVENT_CHARS} from '../../../../src/emulator/batch/engine/log-forwarder'
import {MemoryLogs} from './support'

const makeForwarder = () => {
  const logs = new MemoryLogs()
  let t = 0
  const forwarder = new LogForwarder(logs, 'g', 's', () => ++t)
  return {forwarder, logs}
}

describe('job output to CloudWatch events', () => {
  test('lines are split per pipe, kept in arrival order, empty lines dropped, partial lines flushed at the end', () => {
    const {forwarder, logs} = makeForwarder()
    forwarder.write(0, 'one\ntw')
    forwarder.write(1, 'err A\n\n')
    forwarder.write(0, 'o\nthree')
    forwarder.write(1, 'err B')
    forwarder.end(0)
    forwarder.end(1)
    expect(logs.events.get('g s')).toEqual([
      {message: 'one', timestamp: 1},
      {message: 'err A', timestamp: 2},
      {message: 'two', timestamp: 3},
      {message: 'three', timestamp: 5},
      {message: 'err B', timestamp: 6},
    ])
  })

  test('appends are batched: nothing reaches the sink until the I/O turn ends or the batch is full', async () => {
    const {forwarder, logs} = makeForwarder()
    const appends: number[] = []
    const append = logs.append.bind(logs)
    logs.append = (g, s, events) => {
      appends.push(events.length)
      append(g, s, events)
    }

    forwarder.write(0, 'a\nb\n')
    forwarder.write(0, 'c\n')
    expect(appends).toEqual([])
    await new Promise((resolve) => {
      setImmediate(resolve)
    })
    expect(appends).toEqual([3])
    forwarder.write(0, 'x\n'.repeat(FLUSH_EVENTS + 1))
    expect(appends).toEqual([3, FLUSH_EVENTS + 1])
  })

  test('a line longer than a CloudWatch event is split', () => {
    const {forwarder, logs} = makeForwarder()
    forwarder.write(0, 'x'.repeat(MAX_EVENT_CHARS + 5) + '\n')
    forwarder.end(0)
    expect(logs.messages('g', 's').map((m) => m.length)).toEqual([MAX_EVENT_CHARS, 5])
  })
})
