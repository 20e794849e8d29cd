/**
 * `rerun JOB [FLAGS] [-- CMD...]`: the new command is every word after the first `--`, exactly as typed (as for
 * submit, oclif's own argv would reorder words that also appear as flag values). Besides JOB, no word may stand
 * before `--`: a mistyped flag would otherwise silently become part of nothing.
 */
import {InputError} from '../../errors'
import {jobIdIn} from '../jobs/ids'

/** The new command (empty: keep the old one). */
export function commandAfterJob(rawArgv: readonly string[], parsedArgv: readonly unknown[]): string[] {
  const at = rawArgv.indexOf('--')
  const command = at === -1 ? [] : rawArgv.slice(at + 1)
  const before = parsedArgv.slice(0, parsedArgv.length - command.length).map(String)
  if (before.length > 1) {
    throw new InputError(
      `give one job, then the new command after --, e.g. rerun JOB -- python train.py (got "${before.join(' ')}")`,
    )
  }

  const job = before[0]
  if (job === undefined)
    throw new InputError('JOB is required: give the job to run again, e.g. rerun last --memory 32000')
  const id = jobIdIn(job)
  if (id && /[:#]\d+$/.test(id)) {
    const whole = id.replace(/[:#]\d+$/, '')
    throw new InputError(`JOB: ${JSON.stringify(job)} is one child or node of job ${whole}; rerun ${whole} itself`)
  }

  if (at !== -1 && command.length === 0) throw new InputError('nothing after --; give the new command, or drop --')
  return command
}
