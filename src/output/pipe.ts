/**
 * `mfbatch status | head -1` closes stdout early. Node then reports EPIPE as an error event on stdout, which would
 * crash with a stack trace; like `heroku logs` and `cat`, we end quietly with exit 0 instead (DESIGN.md section 6).
 */
const guarded = new WeakSet<NodeJS.WritableStream>()

export function guardBrokenPipe(
  stream: NodeJS.WritableStream = process.stdout,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  if (guarded.has(stream)) return
  guarded.add(stream)
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return exit(0)
    throw error
  })
}

/** Writes result lines to stdout (each followed by a newline); nothing when there are none. */
export function writeLines(lines: readonly string[], stream: NodeJS.WritableStream = process.stdout): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`)
}
