/**
 * Submit's `--output` step (DESIGN.md section 12): the paths checked and the place in S3 chosen before any API
 * call, the bootstrap's outputs section for the job, and after `--wait|--follow` the SUCCEEDED job's outputs
 * brought into the working directory.
 */
import type {ResolvedSettings} from '../../config/types'
import type {S3Api} from '../clients'
import type {TaskTable} from '../tasks/table'

import {invalid} from '../../errors'
import {outputsSection, type OutputsTarget} from '../outputs/bootstrap-section'
import {chooseAttempts, downloadAttempt, type Downloaded, listAttempts} from '../outputs/fetch'
import {outputsTarget, parseOutputPaths, parseS3Outputs, resultsRoot, type S3Output} from '../outputs/layout'
import {checkRowValues} from '../outputs/row-values'
import {type BootstrapSection, wrapSectionOnly} from '../package/bootstrap'
import {imageOf} from './package-step'

// eslint-disable-next-line no-template-curly-in-string -- `${NAME}` is the user's syntax
const S3_TEMPLATE = 'no $ in PATH=s3://...: ${NAME} is for the outputs that come back'

export interface OutputsPlan {
  paths: string[]
  section: BootstrapSection
  target: OutputsTarget
  /** `--output PATH=s3://...`: left in S3 by the job, never downloaded. */
  toS3: S3Output[]
}

/**
 * Undefined without `--output`. The root is the package's (`--package-root`, or the emulator's bucket locally).
 * With `--tasks`, a path may use `${NAME}` for its row's value (row-values.ts); an output left in S3 may not.
 */
export function planOutputs(
  settings: Pick<ResolvedSettings, 'packageRoot'>,
  values: readonly string[] | undefined,
  where: {local: boolean | undefined; tasks?: {file: string; table: TaskTable}},
): OutputsPlan | undefined {
  const paths = parseOutputPaths(values)
  const toS3 = parseS3Outputs(values)
  checkRowValues(paths, where.tasks)
  const templated = toS3.find((output) => `${output.path}=${output.url}`.includes('$'))
  if (templated) throw invalid('--output', `${templated.path}=${templated.url}`, S3_TEMPLATE)

  if (paths.length === 0 && toS3.length === 0) return undefined
  const target = outputsTarget(resultsRoot(settings.packageRoot, where.local, '--output'))
  return {paths, section: outputsSection(target, paths, toS3), target, toS3}
}

/** The job's command in the bootstrap when there is no package (with one, the package step wraps it). */
export function wrapWithoutPackage(
  command: readonly string[],
  settings: Partial<Pick<ResolvedSettings, 'image'>>,
  section: BootstrapSection,
): string[] {
  return wrapSectionOnly(command, imageOf(settings), section)
}

/** After a SUCCEEDED wait: the job's last attempt's outputs unpacked into `into`; undefined when none was found. */
export async function bringBack(
  s3: S3Api,
  plan: Pick<OutputsPlan, 'target'>,
  jobId: string,
  into: string,
): Promise<Downloaded | undefined> {
  const [last] = chooseAttempts(await listAttempts(s3, plan.target, jobId))
  return last && downloadAttempt(s3, plan.target.bucket, last, into)
}
