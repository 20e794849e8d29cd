/**
 * The last line of a RUNNABLE diagnosis: the command that stops the job, for a user who would rather not wait
 * (the job keeps its place in the queue otherwise). `connection` is the connection flags as typed (" --local").
 */
export function killHint(jobId: string, bin: string, connection = ''): string {
  return `  to stop waiting for it: ${bin} kill ${jobId}${connection}`
}
