/**
 * How an attempt's memory is limited and how everything it started is killed. One mechanism is chosen per
 * emulator (see detect.ts); each attempt gets its own group from it. The runner does not know which one it has.
 */

import type {Lockdown} from './lockdown'

export type MechanismName = 'cgroup-v1' | 'cgroup-v2' | 'none' | 'watchdog'

export const MECHANISM_NAMES: readonly MechanismName[] = ['cgroup-v2', 'cgroup-v1', 'watchdog', 'none']

/** The container's hard limit, as Docker's --memory and --memory-swap take it from MEMORY and maxSwap. */
export interface MemoryLimit {
  memoryMiB: number
  /** Swap on top of the memory; 0 turns swap off (AWS: maxSwap 0, or no maxSwap given). */
  swapMiB: number
}

/** The argv to spawn instead of the command, so the process is in its group before the command runs. */
export interface Launch {
  args: string[]
  file: string
}

export interface AttemptGroup {
  /** Removes the group once everything in it is gone (kills what is left first). Never rejects. */
  close(): Promise<void>
  /** Wraps the command (already resolved to a path) so it starts inside the group. */
  launch(file: string, args: readonly string[]): Launch
  /** True once the limit was hit and the kernel (or the watchdog) killed a process of the group for it. */
  oomKilled(): boolean
  /** Signals every process of the group, `setsid` children included. */
  signal(signal: NodeJS.Signals): void
  /** Called with the pid of the spawned process, before any output is read. */
  started(pid: number): void
}

export interface LimitMechanism {
  /** Makes the group of one attempt; throws when the group cannot be made. */
  create(name: string, limit: MemoryLimit): AttemptGroup
  /** One line for --help, the emulator's stderr and `emulator status`: what is enforced, and how. */
  readonly description: string
  /** Kills and removes the groups an earlier emulator of this state dir left behind, then this one's base. */
  dispose(): void
  /** Where the machine allows it: how an attempt is kept from moving itself out of its group (cgroups only). */
  readonly lockdown?: Lockdown
  readonly name: MechanismName
}
