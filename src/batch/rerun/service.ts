/**
 * `mfbatch rerun` against AWS: the old job read (DescribeJobs; a multi-node job's main node too; its definition
 * when a definition-level setting changes), then the plan of plan.ts sent as `submit` sends its own: the definition
 * registered only when no ACTIVE one of its content-hashed name exists, and exactly one SubmitJob (submit/once.ts).
 */
import type {BatchApi} from '../clients'
import type {OldJob, RerunRequests} from './plan'

import {RuntimeError} from '../../errors'
import {explainAwsError} from '../errors'
import {nodeCountOf} from '../nodes/of-job'
import {ensureJobDefinition, submitOnce, type SubmitOptions, type SubmittedJob} from '../submit/once'

export async function loadOldJob(batch: BatchApi, jobId: string, withDefinition: boolean): Promise<OldJob> {
  const described = await batch.describeJobs({jobs: [jobId]}).catch((error: unknown) => {
    throw explainAwsError(error, `describing job ${jobId}`)
  })
  const job = described.jobs?.[0]
  if (!job) {
    throw new RuntimeError(
      `job ${jobId} not found (AWS Batch keeps finished jobs for about 7 days); check the id with "mfbatch status"`,
    )
  }

  const old: OldJob = {job}
  if (nodeCountOf(job) !== undefined) {
    // The parent of a multi-node job has no container: the command, environment and resources are its main node's.
    const main = `${job.jobId}#${job.nodeProperties?.mainNode ?? 0}`
    const node = await batch.describeJobs({jobs: [main]})
    old.mainNode = node.jobs?.[0]?.container
  }

  if (withDefinition && job.jobDefinition) {
    const found = await batch.describeJobDefinitions({jobDefinitions: [job.jobDefinition]})
    old.definition = found.jobDefinitions?.[0]
    if (!old.definition) {
      throw new RuntimeError(
        `job definition ${job.jobDefinition} of job ${jobId} not found, so it cannot be changed; ` +
          'rerun without --image, --iam-role, --execution-role or --shared-memory, or use "mfbatch submit"',
      )
    }
  }

  return old
}

/** The rerun's definition (when it changed: registered or reused) and its one SubmitJob. */
export async function submitRerun(
  batch: BatchApi,
  requests: RerunRequests,
  options: SubmitOptions = {},
): Promise<SubmittedJob> {
  const definition = requests.registerJobDefinition
    ? await ensureJobDefinition(batch, requests.registerJobDefinition)
    : {arn: requests.submitJob.jobDefinition!, registered: false}
  const input = {...requests.submitJob, jobDefinition: definition.arn}
  const made = await submitOnce(batch, input, options)
  return {...made, jobDefinition: definition.arn, jobQueue: input.jobQueue!, registered: definition.registered}
}
