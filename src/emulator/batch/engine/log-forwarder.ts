/**
 * Turns a job's stdout and stderr into CloudWatch events, in order. Each pipe is split into lines on its own (a
 * line written in two pieces stays one event); lines from both pipes go into one buffer in arrival order. The
 * buffer is handed to the LogSink in batches: at the end of the current I/O turn, or at once when it holds
 * FLUSH_EVENTS lines, so a job printing a million lines costs a few hundred appends, not a million.
 *
 * As Docker's awslogs driver does, the newline is not part of the message and empty lines are not sent (a
 * CloudWatch event cannot be empty). A line longer than an event may be is split.
 */
import type {LogSink} from '../../contract'

/** CloudWatch's limit is 256 KiB per event including 26 bytes of overhead; counted here in characters. */
export const MAX_EVENT_CHARS = 256 * 1024 - 26
export const FLUSH_EVENTS = 10_000

export class LogForwarder {
  private events: Array<{message: string; timestamp: number}> = []
  private readonly partial = ['', '']
  private scheduled = false

  constructor(
    private readonly logs: LogSink,
    private readonly group: string,
    private readonly stream: string,
    private readonly now: () => number,
  ) {}

  /** The pipe closed: its unfinished last line is a line too. */
  end(pipe: 0 | 1): void {
    const rest = this.partial[pipe]
    this.partial[pipe] = ''
    if (rest !== '') this.push(rest, this.now())
    this.flush()
  }

  flush(): void {
    this.scheduled = false
    if (this.events.length === 0) return
    const batch = this.events
    this.events = []
    this.logs.append(this.group, this.stream, batch)
  }

  write(pipe: 0 | 1, text: string): void {
    const timestamp = this.now()
    const data = this.partial[pipe] === '' ? text : this.partial[pipe] + text
    let start = 0
    let newline = data.indexOf('\n')
    while (newline !== -1) {
      this.push(data.slice(start, newline), timestamp)
      start = newline + 1
      newline = data.indexOf('\n', start)
    }

    let rest = data.slice(start)
    while (rest.length > MAX_EVENT_CHARS) {
      this.push(rest.slice(0, MAX_EVENT_CHARS), timestamp)
      rest = rest.slice(MAX_EVENT_CHARS)
    }

    this.partial[pipe] = rest
    if (this.events.length >= FLUSH_EVENTS) {
      this.flush()
    } else if (!this.scheduled && this.events.length > 0) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  private push(message: string, timestamp: number): void {
    if (message === '') return
    if (message.length <= MAX_EVENT_CHARS) {
      this.events.push({message, timestamp})
      return
    }

    for (let i = 0; i < message.length; i += MAX_EVENT_CHARS) {
      this.events.push({message: message.slice(i, i + MAX_EVENT_CHARS), timestamp})
    }
  }
}
