/**
 * cgroup v2: memory.max, memory.swap.max, memory.oom.group (an OOM kill takes the whole group, as a container's),
 * the `oom_kill` count of memory.events, and cgroup.kill (Linux 5.14+; else the members one by one) to kill
 * everything in it. The groups live under this process's own group, which must delegate the memory controller
 * (root, or a systemd unit or scope with Delegate=yes).
 */
import * as fs from 'node:fs'
import path from 'node:path'

import {
  baseName,
  joinThenExec,
  lockdownText,
  MiB,
  ownGroupPath,
  readNumber,
  removeChildGroups,
  removeGroup,
  removeGroupNow,
  signalGroupMembers,
  writeFile,
} from './cgroup-fs'
import {cgroupLockdown} from './lockdown'
import {AttemptGroup, LimitMechanism, MemoryLimit} from './types'

/** Where the unified hierarchy is mounted: alone at /sys/fs/cgroup, or beside v1 at /sys/fs/cgroup/unified. */
export function v2Root(): string | undefined {
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (fs.existsSync(path.join(root, 'cgroup.controllers'))) return root
  }

  return undefined
}

const controllersOf = (file: string): string[] => {
  try {
    return fs.readFileSync(file, 'utf8').trim().split(/\s+/)
  } catch {
    return []
  }
}

/** Why this machine cannot have the mechanism, or undefined when it looks usable; makes nothing. */
export function v2Unavailable(root = v2Root()): string | undefined {
  if (root === undefined) return 'no cgroup v2 hierarchy mounted'
  const own = ownGroupPath()
  if (own === undefined) return 'this process is in no cgroup v2 group'
  const ownDir = path.join(root, own)
  if (!controllersOf(path.join(ownDir, 'cgroup.controllers')).includes('memory'))
    return `the cgroup v2 group ${ownDir} has no memory controller (it is bound to cgroup v1, or not delegated)`
  try {
    fs.accessSync(ownDir, fs.constants.W_OK)
  } catch {
    return `the cgroup ${ownDir} is not writable by this user (run under a systemd scope with Delegate=yes)`
  }

  return undefined
}

/** The mechanism, or why this machine cannot have it. */
export function cgroupV2(stateDir: string, root = v2Root()): LimitMechanism | string {
  const why = v2Unavailable(root)
  if (why !== undefined || root === undefined) return why ?? 'no cgroup v2 hierarchy mounted'
  const ownDir = path.join(root, ownGroupPath()!)
  const base = path.join(ownDir, baseName(stateDir))
  try {
    if (!controllersOf(path.join(ownDir, 'cgroup.subtree_control')).includes('memory'))
      writeFile(path.join(ownDir, 'cgroup.subtree_control'), '+memory')
    fs.mkdirSync(base, {recursive: true})
    removeChildGroups(base, killV2)
    // The base holds no process, so it may hand the controller on to the attempts' groups.
    writeFile(path.join(base, 'cgroup.subtree_control'), '+memory')
  } catch (error) {
    return `cannot delegate the memory controller below ${ownDir}: ${(error as Error).message}`
  }

  const lockdown = cgroupLockdown(path.join(ownDir, 'cgroup.procs'))
  return {
    create: (name, limit) => v2Group(path.join(base, name), limit),
    description: `cgroup v2 (${base}): a hard memory limit per attempt, swap limited by maxSwap; the group kills everything a job started; ${lockdownText(lockdown)}`,
    dispose() {
      removeChildGroups(base, killV2)
      removeGroupNow(base)
    },
    lockdown: typeof lockdown === 'string' ? undefined : lockdown,
    name: 'cgroup-v2',
  }
}

function killV2(dir: string): void {
  try {
    writeFile(path.join(dir, 'cgroup.kill'), '1')
  } catch {
    signalGroupMembers(dir, 'SIGKILL')
  }
}

function v2Group(dir: string, limit: MemoryLimit): AttemptGroup {
  fs.mkdirSync(dir)
  try {
    writeFile(path.join(dir, 'memory.max'), String(limit.memoryMiB * MiB))
    if (fs.existsSync(path.join(dir, 'memory.swap.max')))
      writeFile(path.join(dir, 'memory.swap.max'), String(limit.swapMiB * MiB))
    writeFile(path.join(dir, 'memory.oom.group'), '1')
  } catch (error) {
    fs.rmdirSync(dir)
    throw error
  }

  return {
    close: () => removeGroup(dir, () => killV2(dir)),
    launch: (file, args) => joinThenExec(path.join(dir, 'cgroup.procs'), file, args),
    oomKilled: () => (readNumber(path.join(dir, 'memory.events'), 'oom_kill') ?? 0) > 0,
    signal: (signal) => (signal === 'SIGKILL' ? killV2(dir) : signalGroupMembers(dir, signal)),
    started() {},
  }
}
