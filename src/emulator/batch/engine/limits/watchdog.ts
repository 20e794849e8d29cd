/**
 * Where no cgroup can be made: a watchdog samples, from /proc, the resident memory of each attempt's process tree
 * and kills the whole tree once it is over the attempt's limit (MEMORY + maxSwap: it cannot tell swap from RAM).
 * It is weaker than a cgroup: a burst that is over and freed between two samples goes unseen, and a process that
 * leaves the tree (`setsid` and an exiting parent) between two samples escapes. What it saw once it keeps
 * following, by pid and start time, so a `setsid` child seen while its parent lived dies with the job.
 */
import {descendants, listProcesses, type ProcessInfo, signalProcess} from './process-tree'
import {AttemptGroup, LimitMechanism, MemoryLimit} from './types'

/** How often the trees are sampled. One /proc scan serves every running attempt. */
export const WATCHDOG_INTERVAL_MS = 50

interface Watched {
  /** pid -> start time of every process seen in the tree. */
  known: Map<number, string>
  limitBytes: number
  oom: boolean
  root?: number
}

/** The live processes of one attempt: its root's descendants and any it was seen with, with theirs. */
function members(w: Watched, all: readonly ProcessInfo[]): ProcessInfo[] {
  const byPid = new Map(all.map((p) => [p.pid, p]))
  const roots = [...(w.root === undefined ? [] : [w.root]), ...w.known.keys()]
  const seen = new Map<number, ProcessInfo>()
  for (const pid of roots) {
    const p = byPid.get(pid)
    // A known pid whose start time changed is another process now.
    if (!p || (w.known.has(pid) && w.known.get(pid) !== p.startTime)) continue
    for (const d of descendants(pid, all)) seen.set(d.pid, d)
  }

  for (const p of seen.values()) w.known.set(p.pid, p.startTime)
  return [...seen.values()]
}

export function watchdog(): LimitMechanism {
  const watched = new Set<Watched>()
  let timer: NodeJS.Timeout | undefined

  const sample = (): void => {
    const all = listProcesses()
    for (const w of watched) {
      if (w.oom) continue
      const tree = members(w, all)
      const rss = tree.reduce((sum, p) => sum + p.rssBytes, 0)
      if (rss > w.limitBytes) {
        w.oom = true
        for (const p of tree) signalProcess(p.pid, 'SIGKILL')
      }
    }
  }

  const signalAll = (w: Watched, signal: NodeJS.Signals): void => {
    if (w.root !== undefined) signalProcess(-w.root, signal)
    for (const p of members(w, listProcesses())) signalProcess(p.pid, signal)
  }

  return {
    create(_name: string, limit: MemoryLimit): AttemptGroup {
      const w: Watched = {known: new Map(), limitBytes: (limit.memoryMiB + limit.swapMiB) * 1024 * 1024, oom: false}
      return {
        async close() {
          watched.delete(w)
          if (watched.size === 0 && timer) {
            clearInterval(timer)
            timer = undefined
          }

          signalAll(w, 'SIGKILL')
        },
        launch: (file, args) => ({args: [...args], file}),
        oomKilled: () => w.oom,
        signal: (signal) => signalAll(w, signal),
        started(pid: number) {
          w.root = pid
          watched.add(w)
          timer ??= setInterval(sample, WATCHDOG_INTERVAL_MS)
          timer.unref()
          // At once, too: a job may allocate its memory in its first milliseconds.
          sample()
        },
      }
    },
    description: `watchdog: samples the resident memory of each attempt's process tree every ${WATCHDOG_INTERVAL_MS} ms and kills it over MEMORY + maxSwap; a process that leaves the tree between two samples escapes`,
    dispose() {
      if (timer) clearInterval(timer)
    },
    name: 'watchdog',
  }
}
