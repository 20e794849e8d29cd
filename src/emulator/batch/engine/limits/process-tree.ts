/**
 * What /proc says about processes: parents, start times and resident memory, for the watchdog (which has no
 * kernel group to ask) and for killing a tree whose members left the process group (`setsid`).
 */
import * as fs from 'node:fs'

export interface ProcessInfo {
  pid: number
  ppid: number
  /** Resident set, in bytes. */
  rssBytes: number
  /** The kernel's start time (clock ticks after boot): with the pid, it names one process for good. */
  startTime: string
}

let pageBytes: number | undefined

/** The page size, from this process's own rss in pages (stat) and in kB (status): no native call needed. */
function pageSize(): number {
  if (pageBytes !== undefined) return pageBytes
  pageBytes = 4096
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8')
    const kB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1])
    const pages = Number(statFields(fs.readFileSync('/proc/self/stat', 'utf8'))[21])
    const guess = (kB * 1024) / pages
    // Rss moves between the two reads: round to the nearest power of two of at least 4 KiB.
    if (Number.isFinite(guess) && guess > 0) pageBytes = Math.max(4096, 2 ** Math.round(Math.log2(guess)))
  } catch {
    // No /proc: nothing here will find processes anyway.
  }

  return pageBytes
}

/** The fields after the command name (field 2, in parentheses, may hold spaces): index 0 is field 3 (state). */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ')

export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const fields = statFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
    // A zombie holds no memory and cannot be signalled into anything: it is as good as gone.
    if (fields[0] === 'Z') return undefined
    return {pid, ppid: Number(fields[1]), rssBytes: Number(fields[21]) * pageSize(), startTime: fields[19]}
  } catch {
    return undefined
  }
}

/** Every live process this machine's /proc shows. */
export function listProcesses(): ProcessInfo[] {
  let names: string[]
  try {
    names = fs.readdirSync('/proc')
  } catch {
    return []
  }

  const out: ProcessInfo[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const info = readProcess(Number(name))
    if (info) out.push(info)
  }

  return out
}

/** The processes descending from `rootPid` (itself included), by parent links. */
export function descendants(rootPid: number, processes: readonly ProcessInfo[]): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>()
  for (const p of processes) {
    const list = children.get(p.ppid)
    if (list) list.push(p)
    else children.set(p.ppid, [p])
  }

  const out: ProcessInfo[] = []
  const root = processes.find((p) => p.pid === rootPid)
  const queue = root ? [root] : []
  while (queue.length > 0) {
    const p = queue.pop()!
    out.push(p)
    queue.push(...(children.get(p.pid) ?? []))
  }

  return out
}

/** Signals one process; one that is already gone is not an error. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}
