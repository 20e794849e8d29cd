/**
 * `logs`, and `submit --follow` (and `rerun --follow`): a job's log, whatever its kind. A plain job, a node or an
 * array child: its log (job-logs.ts). An array job: every child's, `[i] ` before each line (array-logs.ts). A
 * multi-node job with `--all-nodes`: every node's (nodes/all-logs.ts); without it, the main node's. The kind is
 * known from the first DescribeJobs that finds the job (AWS may take a few seconds to list a job it has just
 * accepted: the submit's watcher allows for that; the one of `logs` does not, and says the job was not found).
 */
import type {LogsOutcome, LogsRequest} from './job-logs'
import type {LogSink} from './reader'

import {type AllNodesContext, readAllNodeLogs} from '../nodes/all-logs'
import {systemClock} from '../pacing'
import {isArrayParent} from '../watch/array-children'
import {type ArrayLogsContext, readArrayLogs} from './array-logs'
import {readJobLogs} from './job-logs'

export type ByKindContext = AllNodesContext & ArrayLogsContext

export async function readLogsByKind(
  request: LogsRequest & {allNodes?: boolean},
  context: ByKindContext,
  sink: LogSink,
): Promise<LogsOutcome> {
  const {clock = systemClock, signal, watcher} = context
  while (!watcher.job(request.jobId)) {
    if (signal?.aborted) return watcher.outcome('aborted')
    // eslint-disable-next-line no-await-in-loop -- wait for the first description, at the watcher's pace
    await watcher.pollIfDue()
    // eslint-disable-next-line no-await-in-loop
    if (!watcher.job(request.jobId)) await clock.sleep(Math.max(watcher.dueIn, 50), signal)
  }

  const {allNodes, ...one} = request
  // --all-nodes first: on an array job it is refused, naming the flag.
  if (allNodes) return readAllNodeLogs(one, context, sink)
  return isArrayParent(watcher.job(request.jobId)!)
    ? readArrayLogs(one, context, sink)
    : readJobLogs(one, context, sink)
}
