/** Job queues as DescribeJobQueues returns them, for the tests of src/batch/queues. */
import type {JobQueueDetail} from '@aws-sdk/client-batch'

export const arn = (kind: string, name: string): string => `arn:aws:batch:us-east-1:000000000000:${kind}/${name}`

/** An ENABLED, VALID queue over `ces` (name, order), with `fields` over it. */
export function queue(
  name: string,
  ces: Array<[string, number]>,
  fields: Partial<JobQueueDetail> = {},
): JobQueueDetail {
  return {
    computeEnvironmentOrder: ces.map(([ce, order]) => ({computeEnvironment: arn('compute-environment', ce), order})),
    jobQueueArn: arn('job-queue', name),
    jobQueueName: name,
    priority: 1,
    state: 'ENABLED',
    status: 'VALID',
    statusReason: 'JobQueue Healthy',
    ...fields,
  }
}
