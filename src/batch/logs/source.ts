/**
 * Where a job's output is: the CloudWatch log group and, per attempt, the log stream (DESIGN.md section 4). Pure
 * functions of a DescribeJobs result.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

/** Where the awslogs driver writes when the job definition names no group. */
export const DEFAULT_LOG_GROUP = '/aws/batch/job'

/**
 * A multi-node parent has no container of its own (its main node's stream is in its attempts): its group is in the
 * node ranges of nodeProperties, which mfbatch gives one logConfiguration for every node.
 */
export function logGroupOf(job: JobDetail): string {
  const ranges = job.nodeProperties?.nodeRangeProperties ?? []
  const configured = [job.container, ...ranges.map((range) => range.container)].find((c) => c?.logConfiguration)
  return configured?.logConfiguration?.options?.['awslogs-group'] ?? DEFAULT_LOG_GROUP
}

/**
 * The stream of every attempt so far, attempt 1 first. Finished attempts are in `attempts[]`; the running one is
 * only in `container.logStreamName` (which, once the job ends, repeats the last attempt's stream).
 */
export function attemptStreams(job: JobDetail): Array<string | undefined> {
  const streams: Array<string | undefined> = (job.attempts ?? []).map((attempt) => attempt.container?.logStreamName)
  const current = job.container?.logStreamName
  if (current && !streams.includes(current)) streams.push(current)
  return streams
}

export interface StreamChoice {
  /** 1-based attempt number. */
  attempt: number
  /** Undefined until the attempt has started (Batch names the stream when the container starts). */
  stream?: string
}

/**
 * The stream of attempt `attempt` (1-based), or of the latest attempt. An attempt that has not started yet has no
 * stream; the caller waits or says so.
 */
export function chooseStream(job: JobDetail, attempt?: number): StreamChoice {
  const streams = attemptStreams(job)
  if (attempt === undefined) return {attempt: Math.max(1, streams.length), stream: streams.at(-1)}
  return {attempt, stream: streams[attempt - 1]}
}
