/**
 * Turns a config file's parse failure into one line naming the file and the problem, with a line and column a
 * person can jump to (JSON.parse reports only a character offset; js-yaml's message spans several lines).
 */
import {InputError} from '../errors'

export function parseJsonText(filepath: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // V8 quotes the text around the problem, newlines included: keep the message on one line.
    const message = (error as Error).message.replaceAll(/\s+/g, ' ')
    const offset = /at position (\d+)/.exec(message)
    const where = offset ? ` (${lineAndColumn(text, Number(offset[1]))})` : ''
    throw new InputError(`${filepath}: bad JSON: ${message.replace(/ at position \d+.*$/, '')}${where}`)
  }
}

/** js-yaml errors carry `reason` and a zero-based `mark`; anything else (a JS config that throws) keeps line one. */
export function fileError(filepath: string, error: unknown): InputError {
  if (error instanceof InputError) return error
  const {mark, message, name, reason} = error as Error & {mark?: {column: number; line: number}; reason?: string}
  if (name === 'YAMLException' && reason && mark) {
    return new InputError(`${filepath}: bad YAML: ${reason} (line ${mark.line + 1}, column ${mark.column + 1})`)
  }

  const first = String(message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .find(Boolean)
  return new InputError(`${filepath}: ${first ?? 'could not be read'}`)
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n')
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`
}
