/**
 * File work both cgroup versions share: where this process's own group is, listing and killing a group's
 * processes, and removing groups (an earlier emulator's included) once they are empty.
 */
import {createHash} from 'node:crypto'
import * as fs from 'node:fs'
import path from 'node:path'

import type {Lockdown} from './lockdown'

import {signalProcess} from './process-tree'
import {Launch} from './types'

/**
 * This process's group path for one hierarchy, from /proc/self/cgroup (`ID:controllers:/path`): the v1 line whose
 * controllers include `controller`, or the v2 line (`0::/path`) when `controller` is undefined.
 */
export function ownGroupPath(controller?: string, text?: string): string | undefined {
  let content = text
  if (content === undefined) {
    try {
      content = fs.readFileSync('/proc/self/cgroup', 'utf8')
    } catch {
      return undefined
    }
  }

  for (const line of content.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line)
    if (!match) continue
    const [, id, controllers, groupPath] = match
    if (controller === undefined ? id === '0' && controllers === '' : controllers.split(',').includes(controller))
      return groupPath
  }

  return undefined
}

/** The folder of this emulator's attempt groups: one per state dir, so two emulators never touch each other's. */
export const baseName = (stateDir: string): string =>
  `mfbatch-emulator-${createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 12)}`

export function groupPids(dir: string): number[] {
  try {
    return fs
      .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map(Number)
  } catch {
    return []
  }
}

/**
 * Signals every process of a group. A process may fork while the list is read; for SIGKILL a few passes catch
 * its children (the loop in removeGroup catches any left after that).
 */
export function signalGroupMembers(dir: string, signal: NodeJS.Signals): void {
  for (let pass = 0; pass < (signal === 'SIGKILL' ? 3 : 1); pass++) {
    const pids = groupPids(dir)
    if (pids.length === 0) return
    for (const pid of pids) signalProcess(pid, signal)
  }
}

const pause = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

/** One try: kill what is in the group, then remove it. Busy while killed processes are still leaving it. */
function killAndRemove(dir: string, kill: () => void): 'busy' | 'gone' | 'stuck' {
  kill()
  try {
    fs.rmdirSync(dir)
    return 'gone'
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'ENOENT') return 'gone'
    return code === 'EBUSY' ? 'busy' : 'stuck'
  }
}

/** Kills what is left in a group until it is empty (killed processes take a moment to leave), then removes it. */
export async function removeGroup(dir: string, kill: () => void = () => signalGroupMembers(dir, 'SIGKILL')) {
  for (let tries = 0; tries < 200; tries++) {
    const outcome = killAndRemove(dir, kill)
    if (outcome === 'gone') return
    if (outcome === 'stuck') break
    // eslint-disable-next-line no-await-in-loop -- waiting for the kernel to empty the group
    await pause(10)
  }

  process.stderr.write(`mfbatch emulator: could not remove the cgroup ${dir}; remove it with rmdir once it is empty\n`)
}

/** The same without waiting, for start-up and shutdown: kill, then a few tries to remove. */
export function removeGroupNow(dir: string, kill: () => void = () => signalGroupMembers(dir, 'SIGKILL')): void {
  const deadline = Date.now() + 2000
  while (Date.now() < deadline) {
    if (killAndRemove(dir, kill) !== 'busy') return
  }
}

/** Removes every group under `base` (an earlier emulator's attempts), each after killing what runs in it. */
export function removeChildGroups(base: string, kill: (dir: string) => void): void {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(base, {withFileTypes: true})
  } catch {
    return
  }

  for (const entry of entries) {
    if (!entry.isDirectory()) continue
    const dir = path.join(base, entry.name)
    removeGroupNow(dir, () => kill(dir))
  }
}

/**
 * The process joins its group before the command runs: `sh` writes its own pid into cgroup.procs, then execs the
 * command, so the command and anything it forks are born inside the group. Writing the pid from here after spawn
 * would race: Node returns the pid only after exec, when the command may already have forked children that would
 * stay outside.
 */
export function joinThenExec(procsFile: string, file: string, args: readonly string[]): Launch {
  return {args: ['-c', 'echo $$ > "$0" || exit 125; exec "$@"', procsFile, file, ...args], file: '/bin/sh'}
}

/** The lockdown's line for the description, or why there is none. */
export const lockdownText = (lockdown: Lockdown | string): string =>
  typeof lockdown === 'string' ? `a job could leave its cgroup (${lockdown})` : lockdown.description

export const MiB = 1024 * 1024

export function writeFile(file: string, value: string): void {
  fs.writeFileSync(file, value)
}

export function readNumber(file: string, key: string): number | undefined {
  try {
    const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(fs.readFileSync(file, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}
