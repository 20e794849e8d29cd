/**
 * The `docker create` arguments of one attempt: what the ECS agent asks of Docker for a Batch job's container, each
 * from the job's definition and overrides (ECS "Task definition parameters" and the Batch "Job definition
 * parameters" pages). Pure: the runner adds the environment file and runs the result.
 *
 * - The command replaces the image's CMD (the ENTRYPOINT stays); an empty command leaves the image's CMD.
 * - The user is the definition's, else the image's; the working directory is always the image's.
 * - MEMORY is the hard limit (`--memory`); swap is linuxParameters.maxSwap on top of it (none without it, as the
 *   process runtime does), with swappiness (ECS: 60 when maxSwap is set and swappiness is not).
 * - vCPUs are CPU shares, 1024 each, as ECS gives an EC2 task's container.
 * - GPUs are a device request for exactly the devices the emulator assigned (their UUIDs), as the ECS agent's
 *   NVIDIA_VISIBLE_DEVICES does (made-up ones only reach the job's environment).
 * - Host volumes become bind mounts; EFS cannot be mounted here and is refused (see `refusal`).
 * - Host networking: the job reaches the emulator at 127.0.0.1 as a process does (Linux; Docker Desktop needs its
 *   host networking setting).
 */
import type {ContainerProperties} from '../../types'

import {isFakeGpuId} from '../gpus/inventory'

export interface ContainerAttempt {
  attemptId: string
  /** The devices the emulator assigned to this attempt (may be made up: `--gpus N`). */
  gpuIds: readonly string[]
  image: string
  jobId: string
  properties: ContainerProperties
  vcpus: number
}

export interface CreateInput {
  attempt: ContainerAttempt
  command: readonly string[]
  /** Extra arguments before the image: the labels and the environment file. */
  extra: readonly string[]
  memory: {memoryMiB: number; swapMiB: number}
  name: string
}

interface Device {
  containerPath?: string
  hostPath?: string
  permissions?: string[]
}
interface Tmpfs {
  containerPath?: string
  mountOptions?: string[]
  size?: number
}
interface LinuxParameters {
  devices?: Device[]
  initProcessEnabled?: boolean
  maxSwap?: number
  sharedMemorySize?: number
  swappiness?: number
  tmpfs?: Tmpfs[]
}
interface Volume {
  efsVolumeConfiguration?: {fileSystemId?: string}
  host?: {sourcePath?: string}
  name?: string
}
interface MountPoint {
  containerPath?: string
  readOnly?: boolean
  sourceVolume?: string
}
interface Ulimit {
  hardLimit?: number
  name?: string
  softLimit?: number
}

const DEVICE_PERMISSIONS: Record<string, string> = {MKNOD: 'm', READ: 'r', WRITE: 'w'}

const linuxOf = (p: ContainerProperties): LinuxParameters => (p.linuxParameters ?? {}) as LinuxParameters
const volumesOf = (p: ContainerProperties): Volume[] => (p.volumes ?? []) as Volume[]
const mountsOf = (p: ContainerProperties): MountPoint[] => (p.mountPoints ?? []) as MountPoint[]

/** Why this attempt cannot be run here at all, in a sentence; undefined when it can. */
export function refusal(properties: ContainerProperties): string | undefined {
  const efs = volumesOf(properties).find((volume) => volume.efsVolumeConfiguration)
  if (efs) {
    return (
      `the emulator cannot mount EFS file system ${efs.efsVolumeConfiguration?.fileSystemId ?? ''} (volume ` +
      `${efs.name ?? ''}): mount it on this machine and pass it as a host volume (--host-volume PATH:DEST) instead`
    )
  }

  return undefined
}

export function createArgs({attempt, command, extra, memory, name}: CreateInput): string[] {
  const p = attempt.properties
  const args = ['create', '--name', name, '--network', 'host', ...extra, ...resourceArgs(attempt, memory)]
  if (typeof p.user === 'string' && p.user !== '') args.push('--user', p.user)
  if (p.privileged === true) args.push('--privileged')
  if (p.readonlyRootFilesystem === true) args.push('--read-only')
  for (const limit of (p.ulimits ?? []) as Ulimit[]) {
    args.push('--ulimit', `${limit.name}=${limit.softLimit}:${limit.hardLimit}`)
  }

  args.push(...linuxArgs(linuxOf(p)), ...mountArgs(p), '--', attempt.image, ...command)
  return args
}

/** Memory, swap, CPU shares and GPUs. */
function resourceArgs(attempt: ContainerAttempt, memory: CreateInput['memory']): string[] {
  const args = ['--memory', `${memory.memoryMiB}m`, '--memory-swap', `${memory.memoryMiB + memory.swapMiB}m`]
  if (memory.swapMiB > 0) args.push('--memory-swappiness', String(linuxOf(attempt.properties).swappiness ?? 60))
  // Docker's smallest share is 2.
  args.push('--cpu-shares', String(Math.max(2, Math.round(attempt.vcpus * 1024))))
  // Made-up devices (`--gpus N`) reach the job as NVIDIA_VISIBLE_DEVICES only: no daemon can map them.
  const devices = attempt.gpuIds.filter((id) => !isFakeGpuId(id))
  if (devices.length > 0) args.push('--gpus', `"device=${devices.join(',')}"`)
  return args
}

/** linuxParameters: init, shared memory, tmpfs, devices. */
function linuxArgs(linux: LinuxParameters): string[] {
  const args: string[] = []
  if (linux.initProcessEnabled === true) args.push('--init')
  if (linux.sharedMemorySize !== undefined) args.push('--shm-size', `${linux.sharedMemorySize}m`)
  for (const fs of linux.tmpfs ?? []) {
    const options = [`size=${fs.size ?? 0}m`, ...(fs.mountOptions ?? []).filter((o) => o !== 'defaults')]
    args.push('--tmpfs', `${fs.containerPath}:${options.join(',')}`)
  }

  for (const device of linux.devices ?? []) {
    const permissions = (device.permissions ?? ['READ', 'WRITE', 'MKNOD']).map((x) => DEVICE_PERMISSIONS[x] ?? '')
    args.push('--device', `${device.hostPath}:${device.containerPath ?? device.hostPath}:${permissions.join('')}`)
  }

  return args
}

/** Mount points: host volumes as bind mounts. */
function mountArgs(p: ContainerProperties): string[] {
  const volumes = new Map(volumesOf(p).map((volume) => [volume.name, volume]))
  const args: string[] = []
  for (const mount of mountsOf(p)) {
    const source = volumes.get(mount.sourceVolume)?.host?.sourcePath
    // A volume without a host path is a Docker volume on ECS: an anonymous one here.
    const spec = source === undefined ? `${mount.containerPath}` : `${source}:${mount.containerPath}`
    args.push('--volume', mount.readOnly ? `${spec}:ro` : spec)
  }

  return args
}
