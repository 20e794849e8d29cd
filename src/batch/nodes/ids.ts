/**
 * Node ids of a multi-node parallel job. AWS Batch names node N of job JOB `JOB#N` (user guide, "Multi-node
 * parallel jobs"), and DescribeJobs tells a parent by nodeProperties and a node by nodeDetails (API reference,
 * JobDetail). Pure functions of an id; a job's node count is in of-job.ts.
 */

/** Whether `id` names one node (`JOB#N`) or one array child (`JOB:N`) rather than a whole job. */
export function isMemberId(id: string): boolean {
  return /[#:]\d+$/.test(id)
}

/** `JOB#0` to `JOB#N-1`, main node first (mfbatch always makes node 0 the main node). */
export function nodeIds(jobId: string, count: number): string[] {
  return Array.from({length: count}, (_, index) => `${jobId}#${index}`)
}
