/**
 * linuxParameters: shared memory, swap, tmpfs and devices. All of them exist only on EC2 container instances, and
 * none can be overridden at submit time, so each distinct combination gets its own job definition.
 */
import type {Sourced} from '../../config/types'

import {invalid} from '../../errors'
import {size} from '../parse/memory-size'
import {boolean, integer, text} from '../parse/values'
import {ec2Only, type Platform} from './platform'

export type DevicePermission = 'MKNOD' | 'READ' | 'WRITE'

export interface Device {
  containerPath: string
  hostPath: string
  permissions: DevicePermission[]
}

export interface Tmpfs {
  containerPath: string
  mountOptions: string[]
  /** MiB. */
  size: number
}

export interface LinuxParameters {
  devices: Device[]
  maxSwap?: number
  sharedMemorySize?: number
  swappiness?: number
  tmpfs?: Tmpfs
}

export interface LinuxSettings {
  efa?: Sourced
  inferentia?: Sourced
  maxSwap?: Sourced
  sharedMemory?: Sourced
  swappiness?: Sourced
  tmpfsPath?: Sourced
  tmpfsSize?: Sourced
  tmpfsTempdir?: Sourced
  trainium?: Sourced
  useTmpfs?: Sourced
}

export const DEFAULT_TMPFS_PATH = '/metaflow_temp'

export interface LinuxResult {
  linuxParameters: LinuxParameters
  /** METAFLOW_TEMPDIR for the job, when tmpfs is on and should be the job's temp dir (Metaflow's tmpfs_tempdir). */
  tempdir?: string
  warnings: string[]
}

export function buildLinuxParameters(s: LinuxSettings, platform: Platform, memory: number): LinuxResult {
  const warnings: string[] = []
  const out: LinuxParameters = {devices: []}
  const sharedMemorySize = size(s.sharedMemory, 'MiB', {min: 1})?.value
  const maxSwap = size(s.maxSwap, 'MiB', {min: 0}, '; 0 turns swap off')?.value
  // AWS accepts 100; Metaflow's check (`< 100`) rejects it.
  const swappiness = integer(s.swappiness, {max: 100, min: 0}, 'use a whole number from 0 to 100')
  for (const [setting, value] of [
    [s.sharedMemory, sharedMemorySize],
    [s.maxSwap, maxSwap],
    [s.swappiness, swappiness],
  ] as const) {
    if (value !== undefined) ec2Only(setting!, platform)
  }

  if (sharedMemorySize !== undefined) out.sharedMemorySize = sharedMemorySize
  if (maxSwap !== undefined) out.maxSwap = maxSwap
  if (swappiness !== undefined) {
    out.swappiness = swappiness
    if (maxSwap === undefined) {
      warnings.push(
        `${s.swappiness!.origin.label}: has no effect without --max-swap (AWS Batch ignores swappiness then)`,
      )
    }
  }

  const tmpfs = buildTmpfs(s, platform, memory, warnings)
  if (tmpfs) out.tmpfs = tmpfs.tmpfs
  out.devices = buildDevices(s, platform)
  return {linuxParameters: out, tempdir: tmpfs?.tempdir, warnings}
}

function buildTmpfs(
  s: LinuxSettings,
  platform: Platform,
  memory: number,
  warnings: string[],
): undefined | {tempdir?: string; tmpfs: Tmpfs} {
  const use = boolean(s.useTmpfs) ?? false
  const tmpfsSize = size(s.tmpfsSize, 'MiB', {min: 1})?.value
  const pathText = text(s.tmpfsPath, 'use an absolute path such as /metaflow_temp')
  // `--tmpfs-size` alone turns tmpfs on, as in Metaflow.
  if (!use && tmpfsSize === undefined) {
    if (pathText !== undefined && s.tmpfsPath!.origin.kind !== 'default') {
      warnings.push(`${s.tmpfsPath!.origin.label}: has no effect without --use-tmpfs or --tmpfs-size`)
    }

    return undefined
  }

  ec2Only(use ? s.useTmpfs! : s.tmpfsSize!, platform)
  const containerPath = pathText ?? DEFAULT_TMPFS_PATH
  if (!/^\/\S*$/.test(containerPath)) {
    throw invalid(s.tmpfsPath!.origin.label, s.tmpfsPath!.value, 'use an absolute path such as /metaflow_temp')
  }

  // Linux's own tmpfs default: half the memory.
  const tmpfs = {containerPath, mountOptions: ['defaults'], size: tmpfsSize ?? Math.max(1, Math.floor(memory / 2))}
  const tempdir = (boolean(s.tmpfsTempdir) ?? true) ? containerPath : undefined
  return {tempdir, tmpfs}
}

function buildDevices(s: LinuxSettings, platform: Platform): Device[] {
  const allowed = 'use a whole number of devices, 0 or more'
  const inferentia = integer(s.inferentia, {min: 0}, allowed) ?? 0
  const trainium = integer(s.trainium, {min: 0}, allowed) ?? 0
  const efa = integer(s.efa, {min: 0}, allowed) ?? 0
  if (inferentia > 0 && trainium > 0) {
    throw invalid(s.trainium!.origin.label, s.trainium!.value, 'use either --inferentia or --trainium, not both')
  }

  const devices: Device[] = []
  const neuron = inferentia || trainium
  if (neuron > 0) {
    ec2Only(inferentia > 0 ? s.inferentia! : s.trainium!, platform)
    // Inferentia and Trainium chips both appear as /dev/neuronN; Metaflow grants read and write.
    for (let i = 0; i < neuron; i++) {
      devices.push({containerPath: `/dev/neuron${i}`, hostPath: `/dev/neuron${i}`, permissions: ['READ', 'WRITE']})
    }
  }

  if (efa > 0) {
    ec2Only(s.efa!, platform)
    // AWS requires these exact paths and, when permissions are given, all three (Batch user guide, "Elastic
    // Fabric Adapter"). Metaflow passes only uverbs0 for a single-node job, whatever the count.
    for (let i = 0; i < efa; i++) {
      const path = `/dev/infiniband/uverbs${i}`
      devices.push({containerPath: path, hostPath: path, permissions: ['READ', 'WRITE', 'MKNOD']})
    }
  }

  return devices
}
