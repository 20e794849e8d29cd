/** What `submit --wait` and `mfbatch outputs` say about outputs brought back (stderr lines, without the prefix). */
import type {Downloaded} from '../batch/outputs/fetch'

export function outputsLines(got: Downloaded, into = '.'): string[] {
  const {attempt, manifest, unchanged, written} = got
  const where = into === '.' ? 'here' : `into ${into}`
  const counts =
    `outputs of job ${attempt.jobId} attempt ${attempt.attempt}: ${plural(written.length, 'file')} written ${where}` +
    (unchanged.length > 0 ? `, ${unchanged.length} already there unchanged` : '')
  const missing = manifest.missing.length > 0 ? [`warning: the job did not make ${manifest.missing.join(', ')}`] : []
  return [counts, ...missing]
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
