/**
 * Process-group helpers. Each attempt runs in its own process group (spawned detached), so signals reach the
 * command and everything it started, as stopping a container does.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

/**
 * Signals every process of this user whose environment holds `entry` (`NAME=value`, a value only one attempt was
 * given): what left the attempt's process group and its limit group (`setsid`, a write to another cgroup's
 * cgroup.procs) is still found by what it inherited. A process can shed the variable only by exec'ing with an
 * environment of its own choosing; /proc shows the environment a process was started with.
 */
export function signalMarked(entry: string, signal: NodeJS.Signals): number {
  let names: string[]
  try {
    names = fs.readdirSync('/proc')
  } catch {
    return 0
  }

  let signalled = 0
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    let entries: string[]
    try {
      entries = fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0')
    } catch {
      continue // gone, or another user's
    }

    if (!entries.includes(entry)) continue
    try {
      process.kill(Number(name), signal)
      signalled++
    } catch {
      // Gone meanwhile.
    }
  }

  return signalled
}

/** Docker's convention: a process ended by signal N exits with 128 + N. */
export function exitCodeOf(code: null | number, signal: NodeJS.Signals | null): number | undefined {
  if (code !== null) return code
  if (signal !== null) return 128 + (os.constants.signals[signal] ?? 0)
  return undefined
}

/**
 * The kernel's start time of a process (field 22 of /proc/<pid>/stat), to tell the process an old emulator started
 * from a newer one that reused its pid. Undefined where /proc is not available.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/**
 * Kills what is left of an attempt an earlier emulator process started (it died without stopping its jobs), but
 * only if the pid still names that same process.
 */
export function killOrphanGroup(pid: number, startTime: string): boolean {
  if (processStartTime(pid) !== startTime) return false
  signalGroup(pid, 'SIGKILL')
  return true
}
