/**
 * A job's node count as DescribeJobs shows it, for running the job again as it ran (`rerun`): the parent of a
 * multi-node job has nodeProperties.numNodes (API reference, JobDetail); every other job has none.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {Sourced} from '../../config/types'

/** The node count, or undefined for a single-node job. */
export function nodeCountOf(job: JobDetail): number | undefined {
  return job.nodeDetails ? undefined : job.nodeProperties?.numNodes
}

/** The same count as the `--nodes` input of a submit (SubmitInputs.nodes), labelled with where it came from. */
export function nodesInput(count: number | undefined, label = '--nodes'): Sourced | undefined {
  return count === undefined ? undefined : {origin: {kind: 'flag', label}, value: String(count)}
}
