/**
 * Every exit code mfbatch uses, in one place (DESIGN.md section 5). Help texts and the README are built from
 * these tables, so what a script reads in `--help` is what the code does.
 */
export const ExitCode = {
  /** A runtime failure: an AWS error, the network, an unknown job id. */
  Failure: 1,
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
  /** The job FAILED without an exit code: cancelled or terminated before it ran, host lost. */
  JobFailedNoCode: 126,
  /** Success; for a waited job: it SUCCEEDED. */
  Ok: 0,
  /** Stopped by SIGTERM while it had files to tidy up (a download): 128 + 15, what a shell shows for that signal. */
  Terminated: 143,
  /** A command that waits on a job failed itself, or was misused: no job code is mimicked. */
  ToolFailure: 125,
  /** Bad usage or bad input, found before any API call. */
  Usage: 2,
  /** `--wait-timeout` ran out while the job still runs; the job keeps running. */
  WaitTimeout: 124,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** Exit codes of commands that do not wait on a job. */
export const PLAIN_EXIT_CODES: ReadonlyArray<[string, string]> = [
  ['0', 'success'],
  ['1', 'a runtime failure (AWS error, network, unknown job)'],
  ['2', 'bad usage or bad input, found before any API call'],
]

/** Exit codes of commands that wait on a job: the job's own result is handed through. */
export const WAIT_EXIT_CODES: ReadonlyArray<[string, string]> = [
  ['0', 'the job SUCCEEDED (several jobs: all of them)'],
  [
    '1-255',
    "the job FAILED; its container's exit code (an array job: its lowest-index failed child's; several jobs: the first failure's)",
  ],
  ['124', '--wait-timeout ran out; the job keeps running'],
  ['125', 'mfbatch itself failed, or was misused (bad input)'],
  ['126', 'the job FAILED without an exit code (cancelled, terminated before it ran, host lost)'],
  ['130', 'interrupted (Ctrl-C); the job keeps running unless --kill-on-interrupt'],
]

/** The text block that ends a command's description in `--help`. */
export function exitCodeHelp(waits: boolean): string {
  const plain = PLAIN_EXIT_CODES.map(([code, text]) => `  ${code.padEnd(7)} ${text}`).join('\n')
  if (!waits) return `EXIT CODES\n${plain}`
  const waited = WAIT_EXIT_CODES.map(([code, text]) => `  ${code.padEnd(7)} ${text}`).join('\n')
  return `EXIT CODES\n${plain}\n\n  When it waits on a job (--wait, --follow):\n${waited}`
}
