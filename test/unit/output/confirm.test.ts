import {PassThrough} from 'node:stream'

import {confirm} from '../../../src/output/confirm'

async function ask(answer: null | string): Promise<{agreed: boolean; asked: string}> {
  const input = new PassThrough()
  const output = new PassThrough()
  const pending = confirm('Terminate 3 jobs of queue q?', {input, output})
  if (answer === null) input.end()
  else input.write(`${answer}\n`)
  const agreed = await pending
  return {agreed, asked: output.read()?.toString() ?? ''}
}

describe('confirm', () => {
  test.each([
    ['y', true],
    ['YES', true],
    [' yes ', true],
    ['', false],
    ['n', false],
    ['yep', false],
    [null, false],
  ])('%j -> %s', async (answer, agreed) => {
    expect(await ask(answer)).toEqual({agreed, asked: 'Terminate 3 jobs of queue q? [y/N] '})
  })
})
