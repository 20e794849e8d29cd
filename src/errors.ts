/**
 * Bad input found before any API call: a flag, environment variable or config file key with a value that is not
 * allowed. The message names the source, the value and what is allowed. Commands turn it into exit 2, or 125 when
 * the command waits on a job (so no job exit code is mimicked).
 */
export class InputError extends Error {
  override name = 'InputError'
}

/**
 * A failure at run time (AWS, network, an unknown job) whose message is already a sentence for the user.
 * `exitCode` defaults to 1.
 */
export class RuntimeError extends Error {
  override name = 'RuntimeError'

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

/** Builds the standard message: `--cpu: "abc" is not allowed; use a number greater than 0`. */
export function invalid(source: string, value: unknown, allowed: string): InputError {
  // NaN and Infinity (a YAML `.nan`) would read as `null` in JSON.
  const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value)
  return new InputError(`${source}: ${shown} is not allowed; ${allowed}`)
}
