/**
 * Finds the file a command names before it is started, as a container runtime does before exec, so a missing or
 * non-executable command fails with the runtime's words (CannotStartContainerError) rather than a shell's exit 127.
 */
import * as fs from 'node:fs'
import path from 'node:path'

export type Resolved = {file: string} | {why: string}

const isExecutableFile = (file: string): boolean => {
  try {
    if (!fs.statSync(file).isFile()) return false
    fs.accessSync(file, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function resolveExecutable(command: string, pathVar: string | undefined, cwd: string): Resolved {
  if (command.includes('/')) {
    const file = path.resolve(cwd, command)
    if (!fs.existsSync(file)) return {why: `stat ${command}: no such file or directory`}
    return isExecutableFile(file) ? {file} : {why: 'permission denied'}
  }

  for (const dir of (pathVar ?? '').split(':')) {
    const file = path.resolve(cwd, dir, command)
    if (isExecutableFile(file)) return {file}
  }

  return {why: 'executable file not found in $PATH'}
}
