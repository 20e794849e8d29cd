/**
 * Keeps a root job in its cgroup, as a container is kept: after the process has joined its group, it gets a mount
 * namespace of its own in which every cgroup file system is read-only, and loses CAP_SYS_ADMIN (so it cannot
 * remount them), before the command runs. Docker does the same (cgroupfs read-only, no CAP_SYS_ADMIN). Then
 * writing another group's cgroup.procs fails with EROFS.
 *
 * Only as root: another user cannot write another user's groups anyway, and could not make a mount namespace
 * without a user namespace that would change its uid. A root job can still reach the host's mounts through
 * /proc/<pid>/root of another process of the same user (no PID namespace here: that would make the job PID 1 and
 * change how it takes signals); what it moves out that way is killed by its marker (see runner.ts).
 */
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import path from 'node:path'

import {Launch} from './types'

export interface Lockdown {
  /** One line for the emulator's stderr. */
  readonly description: string
  /** The argv that runs `file args` in the locked-down namespace (the caller has already joined the cgroup). */
  wrap(file: string, args: readonly string[]): Launch
}

/** Remounts the N mount points given first read-only, then execs the rest. */
const REMOUNT =
  'n=$1; shift; i=0; while [ $i -lt $n ]; do mount -o remount,bind,ro "$1" || exit 125; shift; i=$((i+1)); done; exec "$@"'

/** The mount points of cgroup file systems (v1 and v2), from /proc/self/mountinfo. */
export function cgroupMounts(mountinfo?: string): string[] {
  let text = mountinfo
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/self/mountinfo', 'utf8')
    } catch {
      return []
    }
  }

  const points: string[] = []
  for (const line of text.split('\n')) {
    // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
    const [before, after] = line.split(' - ')
    if (after === undefined) continue
    const fsType = after.split(' ')[0]
    // Mount points escape spaces and the like as octal (\040).
    const point = before
      .split(' ')[4]
      ?.replaceAll(/\\(\d{3})/g, (_, octal: string) => String.fromCodePoint(Number.parseInt(octal, 8)))
    if ((fsType === 'cgroup' || fsType === 'cgroup2') && point) points.push(point)
  }

  return points
}

function onPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...searchPath.split(':'), '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (dir === '') continue
    const file = path.join(dir, name)
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return file
    } catch {
      // next
    }
  }

  return undefined
}

/** The lockdown, or why this machine cannot have it; a probe checks that a locked-down write really fails. */
export function cgroupLockdown(probeGroup: string | undefined): Lockdown | string {
  if (process.getuid?.() !== 0) return 'only a root emulator needs it and can make it'
  const unshare = onPath('unshare')
  const setpriv = onPath('setpriv')
  if (!unshare || !setpriv || !onPath('mount')) return 'needs unshare, setpriv and mount (util-linux)'
  const mounts = cgroupMounts()
  if (mounts.length === 0) return 'no cgroup file system mounted'
  const lockdown: Lockdown = {
    description:
      'jobs cannot leave their cgroup (cgroup file systems read-only in their mount namespace, no CAP_SYS_ADMIN)',
    wrap: (file, args) => ({
      args: [
        '--mount',
        '--propagation',
        'private',
        '--',
        '/bin/sh',
        '-c',
        REMOUNT,
        'sh',
        String(mounts.length),
        ...mounts,
        setpriv,
        '--bounding-set',
        '-sys_admin',
        '--inh-caps',
        '-sys_admin',
        '--',
        file,
        ...args,
      ],
      file: unshare,
    }),
  }
  if (probeGroup === undefined) return lockdown
  // The emulator's own cgroup.procs must not be writable from inside (access(2) says EROFS on a read-only mount).
  const probe = lockdown.wrap('/bin/sh', ['-c', '[ -w "$0" ] && exit 3; exit 0', probeGroup])
  const result = spawnSync(probe.file, probe.args, {stdio: 'ignore', timeout: 5000})
  return result.status === 0 ? lockdown : `a probe could still write ${probeGroup} (exit ${result.status})`
}
