/**
 * Which AWS CLI the user has: the first `aws` on PATH and the version it reports. Run only by `emulator env`, to say
 * how to point that CLI at the emulator; costs one `aws --version` (0.3-0.5 s) when there is one, nothing otherwise.
 */
import {execFile} from 'node:child_process'
import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

import type {AwsCli} from './shell-env'

/** The first executable file named `aws` in PATH's directories. */
export function awsOnPath(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir.startsWith('/')) continue
    const file = join(dir, 'aws')
    try {
      if (!statSync(file).isFile()) continue
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // Not here: the next directory.
    }
  }

  return undefined
}

/** `2.9.19` from `aws-cli/2.9.19 Python/3.11.2 Linux/...`. */
export function versionOf(output: string): string | undefined {
  return /aws-cli\/(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1]
}

/** The `aws` on PATH and its version; undefined when there is none or it does not say within 5 s. Never throws. */
export async function detectAwsCli(env: NodeJS.ProcessEnv = process.env): Promise<AwsCli | undefined> {
  const path = awsOnPath(env.PATH)
  if (path === undefined) return
  const output = await new Promise<string>((done) => {
    // AWS CLI v1 on Python 2 printed its version on stderr.
    execFile(path, ['--version'], {env, timeout: 5000}, (_error, stdout, stderr) => done(`${stdout}\n${stderr}`))
  })
  const version = versionOf(output)
  return version === undefined ? undefined : {path, version}
}
