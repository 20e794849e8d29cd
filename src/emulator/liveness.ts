/**
 * Whether a recorded process is still the one that was recorded: alive, not a zombie, and (where the kernel's start
 * time was written down) started at the same moment, so a pid the system reused is never taken for it.
 */
import {existsSync, readFileSync} from 'node:fs'

import {processStartTime} from './batch/engine/processes'

/** Alive and not a zombie: a process that exited before its parent reaped it must count as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }

  const stat = `/proc/${pid}/stat`
  if (!existsSync(stat)) return true
  try {
    // Field 3 is the state; the command name in field 2 may contain spaces, so read after its closing paren.
    const text = readFileSync(stat, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** Alive, and the same process when its start time was recorded (a reused pid is not). */
export function isSameLiveProcess(pid: number, pidStartTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false
  if (pidStartTime === undefined) return true
  const started = processStartTime(pid)
  return started === undefined || started === pidStartTime
}
