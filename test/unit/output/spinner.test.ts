import {PassThrough} from 'node:stream'

import {spinnerAllowed, spinnerColor, startSpinner} from '../../../src/output/spinner'

function fakeStream(isTTY: boolean): NodeJS.WriteStream {
  // ora moves the cursor with these TTY-only methods; a pass-through stream records what it writes instead.
  const tty = {clearLine: () => true, columns: 80, cursorTo: () => true, isTTY, moveCursor: () => true}
  return Object.assign(new PassThrough(), tty) as unknown as NodeJS.WriteStream
}

describe('spinnerAllowed', () => {
  test.each([
    ['a terminal', {isTTY: true}, true],
    ['a pipe', {isTTY: false}, false],
    ['CI', {env: {CI: 'true'}, isTTY: true}, false],
    ['TERM=dumb', {env: {TERM: 'dumb'}, isTTY: true}, false],
    ['--json or --quiet', {isTTY: true, silent: true}, false],
  ])(
    '%s',
    (
      _name,
      {env = {}, isTTY, silent = false}: {env?: NodeJS.ProcessEnv; isTTY: boolean; silent?: boolean},
      expected,
    ) => {
      expect(spinnerAllowed({env, silent, stream: fakeStream(isTTY)})).toBe(expected)
    },
  )
})

describe('startSpinner without a terminal', () => {
  test('draws nothing; notes still reach the stream', async () => {
    const stream = fakeStream(false)
    const spinner = await startSpinner('waiting', {env: {}, stream})
    spinner.update('still waiting')
    spinner.note('job a1 RUNNING')
    spinner.stop()
    expect((stream as unknown as PassThrough).read()?.toString()).toBe('job a1 RUNNING\n')
  })

  test('silent: not even notes', async () => {
    const stream = fakeStream(true)
    const spinner = await startSpinner('waiting', {env: {}, silent: true, stream})
    spinner.note('job a1 RUNNING')
    spinner.stop()
    expect((stream as unknown as PassThrough).read()).toBeNull()
  })
})

describe('startSpinner on a terminal', () => {
  test('on a terminal the spinner is drawn on the given stream and erased on stop', async () => {
    const stream = fakeStream(true)
    const spinner = await startSpinner('waiting', {env: {}, stream})
    spinner.note('job a1 RUNNING')
    spinner.stop()
    spinner.stop()
    const written = (stream as unknown as PassThrough).read()?.toString() ?? ''
    expect(written).toContain('waiting')
    expect(written).toContain('job a1 RUNNING\n')
  })
})

describe('spinnerColor', () => {
  test.each([
    ['a terminal', {TERM: 'xterm'}, 'cyan'],
    ['NO_COLOR=1', {NO_COLOR: '1', TERM: 'xterm'}, false],
    ['FORCE_COLOR=0', {FORCE_COLOR: '0', TERM: 'xterm'}, false],
    ['TERM=dumb', {TERM: 'dumb'}, false],
  ])('%s: %s', (_label, env, color) => {
    expect(spinnerColor({env, stream: fakeStream(true)})).toBe(color)
  })
})
