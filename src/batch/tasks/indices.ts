/**
 * `rerun --failed` of an array job not submitted with `--tasks`: a new array of only the FAILED children, each of
 * which must still see its original AWS_BATCH_JOB_ARRAY_INDEX (the script decodes its work from it). The original
 * indices travel in the job's environment (INDICES_ENV, space-separated, in child order), and a small sh wrapper in
 * front of the command sets AWS_BATCH_JOB_ARRAY_INDEX from it before `exec`ing the command. A rerun of such a rerun
 * maps through the old list, so the indices stay the first job's.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'
import type {RerunRequests} from '../rerun/plan'

import {RuntimeError} from '../../errors'
import {checkSubmitSize} from '../package/limits'
import {describeChildren} from './children'

export const INDEX_WRAPPER_NAME = 'mfbatch-index'
export const INDICES_ENV = 'MFBATCH_ARRAY_INDICES'

/* eslint-disable no-template-curly-in-string -- sh parameter expansions, expanded by the job's sh */
const SCRIPT = [
  '_Ti=${AWS_BATCH_JOB_ARRAY_INDEX:-0}; _Tn=0',
  `for _Tx in \${${INDICES_ENV}:-}; do [ "$_Tn" = "$_Ti" ] && export AWS_BATCH_JOB_ARRAY_INDEX="$_Tx" && break; _Tn=$((_Tn + 1)); done`,
  `unset ${INDICES_ENV}`,
  'exec "$@"',
].join('\n')
/* eslint-enable no-template-curly-in-string */

function isIndexWrapper(command: readonly string[]): boolean {
  return command[0] === 'sh' && command[1] === '-c' && command[3] === INDEX_WRAPPER_NAME
}

/** The original index of each child of `job` (its own list when it is a rerun like this one). */
function originalIndices(job: JobDetail, size: number): number[] {
  const list = job.container?.environment?.find((v) => v.name === INDICES_ENV)?.value
  const own = list?.trim().split(/\s+/).map(Number)
  return own?.length === size && own.every((n) => Number.isInteger(n) && n >= 0)
    ? own
    : Array.from({length: size}, (_, i) => i)
}

export interface IndexRerun {
  notices: string[]
  requests: RerunRequests
}

/** The rerun of only the FAILED children of a plain array job, each keeping its original index. */
export async function rerunFailedIndices(
  batch: BatchApi,
  job: JobDetail,
  requests: RerunRequests,
): Promise<IndexRerun> {
  const size = job.arrayProperties!.size!
  const children = await describeChildren(batch, job.jobId!, size)
  const failed = children
    .filter((child) => child.status === 'FAILED')
    .map((child) => child.arrayProperties?.index ?? 0)
    .sort((a, b) => a - b)
  if (failed.length === 0) {
    throw new RuntimeError(`job ${job.jobId} has no FAILED children (of ${size}); nothing to rerun`)
  }

  const original = originalIndices(job, size)
  const indices = failed.map((index) => original[index])
  const copy = structuredClone(requests)
  const overrides = copy.submitJob.containerOverrides ?? {}
  const command = overrides.command ?? []
  const inner = isIndexWrapper(command) ? command.slice(4) : command
  overrides.command = ['sh', '-c', SCRIPT, INDEX_WRAPPER_NAME, ...inner]
  overrides.environment = [
    ...(overrides.environment ?? []).filter((v) => v.name !== INDICES_ENV),
    {name: INDICES_ENV, value: indices.join(' ')},
  ]
  copy.submitJob.containerOverrides = overrides
  if (indices.length > 1) copy.submitJob.arrayProperties = {size: indices.length}
  else delete copy.submitJob.arrayProperties
  checkSubmitSize(copy.submitJob)
  const shape = indices.length === 1 ? 'a plain job' : `an array of ${indices.length}`
  return {
    notices: [
      `rerunning ${indices.length} FAILED of ${size} children as ${shape}, each with its original ` +
        `AWS_BATCH_JOB_ARRAY_INDEX (${indices.join(', ')})`,
    ],
    requests: copy,
  }
}
