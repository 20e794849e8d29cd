/**
 * cgroup v1: the memory controller's memory.limit_in_bytes (and memory.memsw.limit_in_bytes, memory + swap, where
 * the kernel accounts swap), the OOM kill read from memory.oom_control, and the group's cgroup.procs to kill
 * everything in it. v1 has no cgroup.kill, so killing is a loop over the members until the group is empty.
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

export const V1_MEMORY_ROOT = '/sys/fs/cgroup/memory'

/** Why this machine cannot have the mechanism, or undefined when it looks usable; makes nothing. */
export function v1Unavailable(root = V1_MEMORY_ROOT): string | undefined {
  const own = ownGroupPath('memory')
  if (own === undefined) return 'no cgroup v1 memory controller in /proc/self/cgroup'
  const dir = path.join(root, own)
  if (!fs.existsSync(path.join(dir, 'memory.limit_in_bytes')))
    return `no cgroup v1 memory controller mounted at ${root}`
  try {
    fs.accessSync(dir, fs.constants.W_OK)
  } catch {
    return `the cgroup ${dir} is not writable by this user`
  }

  return undefined
}

/** The mechanism, or why this machine cannot have it. */
export function cgroupV1(stateDir: string, root = V1_MEMORY_ROOT): LimitMechanism | string {
  const why = v1Unavailable(root)
  if (why !== undefined) return why
  const own = ownGroupPath('memory')!
  const base = path.join(root, own, baseName(stateDir))
  try {
    fs.mkdirSync(base, {recursive: true})
  } catch (error) {
    return `cannot make a cgroup under ${path.join(root, own)}: ${(error as Error).message}`
  }

  // An earlier emulator of this state dir that died left its attempts' groups (and maybe their processes).
  removeChildGroups(base, (dir) => signalGroupMembers(dir, 'SIGKILL'))
  const swapAccounted = fs.existsSync(path.join(base, 'memory.memsw.limit_in_bytes'))
  const lockdown = cgroupLockdown(path.join(root, own, 'cgroup.procs'))
  return {
    create: (name, limit) => v1Group(path.join(base, name), limit, swapAccounted),
    description: `cgroup v1 memory controller (${base}): a hard memory limit per attempt${
      swapAccounted ? ', swap limited by maxSwap' : ', swap not accounted by this kernel'
    }; the group kills everything a job started; ${lockdownText(lockdown)}`,
    dispose() {
      removeChildGroups(base, (dir) => signalGroupMembers(dir, 'SIGKILL'))
      removeGroupNow(base)
    },
    lockdown: typeof lockdown === 'string' ? undefined : lockdown,
    name: 'cgroup-v1',
  }
}

function v1Group(dir: string, limit: MemoryLimit, swapAccounted: boolean): AttemptGroup {
  fs.mkdirSync(dir)
  try {
    writeFile(path.join(dir, 'memory.limit_in_bytes'), String(limit.memoryMiB * MiB))
    // memsw is memory + swap, and may not be set below memory.limit_in_bytes (set in that order).
    if (swapAccounted)
      writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String((limit.memoryMiB + limit.swapMiB) * MiB))
    else if (limit.swapMiB === 0) writeFile(path.join(dir, 'memory.swappiness'), '0')
  } catch (error) {
    fs.rmdirSync(dir)
    throw error
  }

  return {
    close: () => removeGroup(dir),
    launch: (file, args) => joinThenExec(path.join(dir, 'cgroup.procs'), file, args),
    oomKilled() {
      const kills = readNumber(path.join(dir, 'memory.oom_control'), 'oom_kill')
      if (kills !== undefined) return kills > 0
      // Kernels before 4.13 have no oom_kill count: a group that hit its limit and is under OOM was killed for it.
      return readNumber(path.join(dir, 'memory.oom_control'), 'under_oom') === 1
    },
    signal: (signal) => signalGroupMembers(dir, signal),
    started() {},
  }
}
