/**
 * Where a RUNNABLE job stands in its queue's line, from GetJobQueueSnapshot: AWS lists a queue's first 100 RUNNABLE
 * jobs "in order of dispatch". A job further back, or a queue whose endpoint lacks the operation (an older region,
 * another emulator) or refuses it, has no position: that is not an error, just nothing to show.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {BatchApi} from '../clients'

/** "The first 100 RUNNABLE jobs in the job queue" (GetJobQueueSnapshot). */
export const SNAPSHOT_SIZE = 100

export interface QueuePosition {
  /** The snapshot was full (100 jobs): the queue may hold more RUNNABLE jobs than it lists. */
  more: boolean
  /** 1 for the next job to be placed. */
  position: number
  /** RUNNABLE jobs in the snapshot: all of the queue's, unless `more`. */
  runnable: number
}

/** "12th of 40 RUNNABLE", or "12th of 100+ RUNNABLE" when the snapshot was full. */
export function positionText({more, position, runnable}: QueuePosition): string {
  return `${ordinal(position)} of ${runnable}${more ? '+' : ''} RUNNABLE`
}

export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

/** A job's id from an ARN of the snapshot (`.../job/ID`, `.../job/ID:3` for an array child). */
const idOfArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

/** The positions of the RUNNABLE ones among `jobs`, by job id: one snapshot per queue, none for jobs it misses. */
export async function queuePositions(batch: BatchApi, jobs: readonly JobDetail[]): Promise<Map<string, QueuePosition>> {
  const positions = new Map<string, QueuePosition>()
  const queues = new Set(jobs.filter((j) => j.status === 'RUNNABLE' && j.jobQueue).map((j) => j.jobQueue!))
  await Promise.all(
    [...queues].map(async (queue) => {
      let line: string[]
      try {
        const snapshot = await batch.getJobQueueSnapshot({jobQueue: queue})
        line = (snapshot.frontOfQueue?.jobs ?? []).map((entry) => idOfArn(entry.jobArn ?? ''))
      } catch {
        // A position is a hint: an endpoint without the operation, a refusal or a throttle leaves it out.
        return
      }

      for (const job of jobs) {
        const at = job.jobQueue === queue && job.status === 'RUNNABLE' ? line.indexOf(job.jobId ?? '') : -1
        if (at >= 0)
          positions.set(job.jobId!, {more: line.length >= SNAPSHOT_SIZE, position: at + 1, runnable: line.length})
      }
    }),
  )
  return positions
}

/**
 * The RUNNABLE diagnosis's first finding, when the queue's snapshot lists the job; none otherwise, nor for a job
 * Batch says no compute environment can hold (MISCONFIGURATION): its place in line would promise a start.
 */
export async function placeInLine(batch: BatchApi, job: JobDetail): Promise<string[]> {
  if (job.statusReason?.startsWith('MISCONFIGURATION:')) return []
  const found = (await queuePositions(batch, [job])).get(job.jobId ?? '')
  if (!found) return []
  const queue = job.jobQueue?.split('/').pop() ?? 'its queue'
  const ahead = found.position - 1
  const before = ahead === 0 ? 'the next to be placed' : `${ahead} ${ahead === 1 ? 'job' : 'jobs'} ahead of it`
  return [`it is ${positionText(found)} in queue ${queue} (${before})`]
}

/** How many jobs of the line `queues` shows. */
export const FRONT_SHOWN = 5

/** The ids of the first RUNNABLE jobs of `queue` in the order they will be placed; [] when unknown. */
export async function frontOfQueue(batch: BatchApi, queue: string, count = FRONT_SHOWN): Promise<string[]> {
  try {
    const snapshot = await batch.getJobQueueSnapshot({jobQueue: queue})
    return (snapshot.frontOfQueue?.jobs ?? []).slice(0, count).map((entry) => idOfArn(entry.jobArn ?? ''))
  } catch {
    return []
  }
}

/** "cancels jobs RUNNABLE at the head of the queue for over 10m: too big" for each of the queue's time limits. */
export function timeLimitText(action: {
  action?: string
  maxTimeSeconds?: number
  reason?: string
  state?: string
}): string {
  const verb = action.action === 'TERMINATE' ? 'terminates' : 'cancels'
  const seconds = action.maxTimeSeconds ?? 0
  const after = seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`
  return `${verb} jobs ${action.state ?? 'RUNNABLE'} at the head of the queue for over ${after}${action.reason ? `: ${action.reason}` : ''}`
}
