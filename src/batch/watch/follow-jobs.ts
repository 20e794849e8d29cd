import type {Clock} from '../pacing'
import type {JobWatcher, WatchOutcome} from './job-watcher'

/**
 * Drives a JobWatcher like its own `run()` does, with one addition: `onRound` after every DescribeJobs round, so
 * `status --watch` can redraw its table (durations move even when no status changes); the next round waits for
 * it. The pace stays the
 * watcher's: at most one round a second, longer while AWS throttles.
 */
export async function followJobs(
  watcher: JobWatcher,
  {
    clock,
    deadline,
    onRound,
    signal,
  }: {
    clock: Clock
    deadline?: number
    onRound?: () => Promise<void> | void
    signal?: AbortSignal
  },
): Promise<WatchOutcome> {
  for (;;) {
    if (signal?.aborted) return watcher.outcome('aborted')
    if (watcher.dueIn === 0) {
      // eslint-disable-next-line no-await-in-loop -- a polling loop: each round waits for the previous one
      await watcher.poll()
      // eslint-disable-next-line no-await-in-loop -- a redraw may need one more call (the nodes of a multi-node job)
      await onRound?.()
    }

    if (watcher.finished) return watcher.outcome('finished')
    const now = clock.now()
    if (deadline !== undefined && now >= deadline) return watcher.outcome('timeout')
    // eslint-disable-next-line no-await-in-loop
    await clock.sleep(deadline === undefined ? watcher.dueIn : Math.min(watcher.dueIn, deadline - now), signal)
  }
}
