import {createInterface} from 'node:readline'

/**
 * A yes/no question on a terminal (stderr, so stdout stays for results). Only "y" or "yes" agrees; anything else,
 * including an empty answer or end of input, declines.
 */
export async function confirm(
  question: string,
  {
    input = process.stdin,
    output = process.stderr,
  }: {input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream} = {},
): Promise<boolean> {
  const rl = createInterface({input, output, terminal: false})
  try {
    output.write(`${question} [y/N] `)
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve)
      rl.once('close', () => resolve(''))
    })
    return /^y(?:es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
