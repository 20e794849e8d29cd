/**
 * What the output helpers need to know about where output goes, read once per command so services and renderers
 * stay pure and tests can pass a fake terminal.
 */
export interface Terminal {
  /** Terminal width when stdout is a terminal. */
  columns?: number
  env: NodeJS.ProcessEnv
  stderrTty: boolean
  stdoutTty: boolean
}

export function currentTerminal(): Terminal {
  return {
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
    stderrTty: Boolean(process.stderr.isTTY),
    stdoutTty: Boolean(process.stdout.isTTY),
  }
}
