import {mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Real folders for precedence tests: `tree({'home/.metaflowconfig/config.json': {...}, 'project/.metaflow/': null})`
 * writes objects as JSON, strings as they are, and a key ending in `/` as an empty directory. Returns the root,
 * resolved through symlinks so that paths in labels compare equal.
 */
export function tree(files: Record<string, null | object | string>): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mfbatch-config-')))
  created.push(root)
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative)
    if (relative.endsWith('/')) {
      mkdirSync(target, {recursive: true})
      continue
    }

    mkdirSync(path.dirname(target), {recursive: true})
    writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content))
  }

  return root
}

const created: string[] = []

export function removeTrees(): void {
  for (const root of created.splice(0)) rmSync(root, {force: true, recursive: true})
}

/** The error a call throws (or rejects with), so a test can assert its class and whole message. */
export async function caught(run: () => unknown): Promise<Error> {
  try {
    await run()
  } catch (error) {
    return error as Error
  }

  throw new Error('expected an error, got none')
}
