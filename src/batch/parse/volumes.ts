/**
 * `--host-volume SRC[:DST]` and `--efs-volume FS[:DST]`, named the way Metaflow names them so a definition
 * registered by either tool reads the same.
 */
export interface HostVolume {
  containerPath: string
  kind: 'host'
  name: string
  sourcePath: string
}

export interface EfsVolume {
  containerPath: string
  fileSystemId: string
  kind: 'efs'
  name: string
}

export type Volume = EfsVolume | HostVolume

/** Volume names: up to 255 letters, digits, `-` and `_` (RegisterJobDefinition's rule). */
const VOLUME_NAME = /^[\w-]{1,255}$/
const ABSOLUTE = /^\/\S*$/

/** undefined when the text is not `/absolute/source[:/absolute/destination]`. */
export function parseHostVolume(raw: string): HostVolume | undefined {
  const at = raw.indexOf(':')
  const sourcePath = at === -1 ? raw : raw.slice(0, at)
  const containerPath = at === -1 ? raw : raw.slice(at + 1)
  // Metaflow's naming: the source path with `/` and `.` turned into `_`.
  const name = sourcePath.replaceAll(/[./]/g, '_')
  if (!ABSOLUTE.test(sourcePath) || !ABSOLUTE.test(containerPath) || !VOLUME_NAME.test(name)) return undefined
  return {containerPath, kind: 'host', name, sourcePath}
}

/** EFS ids are `fs-` and 8 or 17 hex digits. */
const EFS_ID = /^fs-[\da-f]{8,17}$/

/** undefined when the text is not `fs-0123abcd[:/absolute/destination]`; the destination defaults to /mnt/FS. */
export function parseEfsVolume(raw: string): EfsVolume | undefined {
  const at = raw.indexOf(':')
  const fileSystemId = at === -1 ? raw : raw.slice(0, at)
  const containerPath = at === -1 ? `/mnt/${raw}` : raw.slice(at + 1)
  if (!EFS_ID.test(fileSystemId) || !ABSOLUTE.test(containerPath)) return undefined
  return {containerPath, fileSystemId, kind: 'efs', name: `efs_${fileSystemId}`}
}
