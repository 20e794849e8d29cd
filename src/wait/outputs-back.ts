/**
 * `submit --output ... --wait|--follow` once the wait is over (DESIGN.md section 12): the last job's outputs (the
 * job itself, or the last rerun of an `--oom-retry` chain, which uploads under the same submission: its command is
 * the same bootstrap) unpacked into the working directory when it SUCCEEDED; a FAILED job's left in S3, with the
 * command that fetches them. An array's children are many: `mfbatch outputs JOB --all` brings them. Ctrl-C or
 * SIGTERM while the files come leaves no half file (output/interrupt.ts).
 */
import type {Clients} from '../batch/clients'
import type {OutputsPlan} from '../batch/submit/outputs-step'
import type {WaitEnd} from './submit-wait'

import {ExitCode} from '../exit-codes'
import {leaveOnSignal} from '../output/interrupt'
import {outputsLines} from '../output/outputs-report'

export interface OutputsBackOptions {
  bin: string
  /** An array or multi-node job: its children's outputs are fetched with `outputs --all`. */
  children: boolean
  /** The connection flags as typed (" --local"), for the commands suggested. */
  connection: string
  quiet: boolean
}

/** After the wait on `last`: the exit code to leave with (the wait's; 125 when a SUCCEEDED job uploaded none). */
export async function bringOutputsBack(
  clients: Clients,
  outputs: OutputsPlan,
  {exitCode: code, jobId}: WaitEnd,
  {bin, children, connection, quiet}: OutputsBackOptions,
): Promise<number> {
  const say = (line: string) => quiet || process.stderr.write(`${bin}: ${line}\n`)
  const fetch = `${bin} outputs ${jobId}${connection}`
  if (code === ExitCode.WaitTimeout || code === ExitCode.Interrupted || code === ExitCode.ToolFailure) return code
  if (children) {
    say(`each child's outputs are in S3: ${fetch} --all brings them here`)
    return code
  }

  if (code !== ExitCode.Ok) {
    say(`the job failed, so its outputs were not unpacked here; ${fetch} --to DIR brings them`)
    return code
  }

  const {bringBack} = await import('../batch/submit/outputs-step.js')
  const leave = leaveOnSignal(
    `${bin}: interrupted while bringing the outputs back; no half file was left; ${fetch} brings them`,
  )
  const got = await bringBack(await clients.s3!(), outputs, jobId, process.cwd()).finally(() => leave.dispose())
  if (!got) {
    process.stderr.write(
      `${bin}: warning: job ${jobId} uploaded no outputs; see its log: ${bin} logs ${jobId}${connection}\n`,
    )
    return ExitCode.ToolFailure
  }

  for (const line of outputsLines(got)) say(line)
  for (const {path, url} of outputs.toS3) say(`${path} was left in S3 at ${url}`)
  return code
}
