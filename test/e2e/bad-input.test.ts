/**
 * Bad input to `mfbatch submit --dry-run`, from every kind of source: each case must exit 2 with exactly one
 * stderr line naming the flag, environment variable or config file key, the value and what is allowed, and print
 * nothing on stdout. The built CLI runs in a temporary project with a temporary HOME and METAFLOW_HOME. The cases
 * live in bad-input-cases.ts; reliability-hostile-input.test.ts runs them again as real submits.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, realpathSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Case, homes, layOut, SUBMIT_CASES} from './bad-input-cases'

const REPO = path.resolve(__dirname, '../..')
const RUN = path.join(REPO, 'bin/run.js')

let root: string

beforeAll(() => {
  if (!existsSync(path.join(REPO, 'dist/mfbatch.js'))) throw new Error('build first: npm run build')
})

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mfbatch-e2e-bad-')))
})

afterEach(() => rmSync(root, {force: true, recursive: true}))

function run({args, env = {}, files = {}}: Case) {
  layOut(root, files)
  const clean: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(METAFLOW_|AWS_|MFBATCH_|XDG_)|^(SUDO_USER|USERNAME|USER|NODE_OPTIONS|FORCE_COLOR|NO_COLOR)$/.test(key))
      continue
    clean[key] = value
  }

  const result = spawnSync(process.execPath, [RUN, 'submit', '--dry-run', ...args], {
    cwd: path.join(root, 'project'),
    encoding: 'utf8',
    env: {...clean, ...homes(root), ...env},
  })
  return {status: result.status, stderr: result.stderr, stdout: result.stdout}
}

describe('mfbatch submit --dry-run with bad input', () => {
  test.each(SUBMIT_CASES)('%s', (_name, input) => {
    const result = run(input)
    expect(result).toEqual({status: 2, stderr: `mfbatch: ${input.line.replace('{root}', root)}\n`, stdout: ''})
  })
})
