/**
 * The README's opening lines and `submit --help`'s `--local` examples, run as a newcomer pastes them: bash, a fresh
 * HOME and project folder, no AWS_* variables, a free MFBATCH_EMULATOR_PORT, `mfbatch` the built CLI through a shim
 * on PATH. Then the same lines again with the user's own credentials in the environment (keys, a session token and
 * a profile): `--local` must work the same and never sign a request with them, which the emulator's stats
 * (`keyIds`: the key ids every request claimed) show.
 */
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {emulatorCredentials, httpJson, ROOT, RUN} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

interface ShellResult {
  code: number
  stderr: string
  stdout: string
}

/** The README's fenced blocks before its first `## ` heading: the quick start, then "your own code". */
function openingBlocks(): string[][] {
  const blocks: string[][] = []
  let block: string[] | undefined
  for (const line of readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n')) {
    if (line.startsWith('## ')) break
    if (line.startsWith('```')) {
      if (block) blocks.push(block)
      block = block ? undefined : []
    } else if (block) block.push(line)
  }

  return blocks
}

const [quickStart, ownCode] = openingBlocks()
/** The quick start's mfbatch line, from its `mfbatch` part: the install before it is what this build already is. */
const QUICK_START = quickStart
  .filter((line) => line.includes('mfbatch '))
  .map((line) => line.slice(line.indexOf('mfbatch ')))
const OWN_CODE = ownCode.filter((line) => line.trim() !== '')

/** The user's own AWS setup, each key id distinctive enough to be found in the emulator's stats. */
const USER_KEYS = {
  env: 'AKIAREADMEUSERENV001',
  profile: 'AKIAREADMEPROFILE001',
  profileCredentials: 'AKIAREADMEPROFCRED01',
}

interface Newcomer {
  env: Record<string, string>
  home: string
  project: string
  shell(line: string): Promise<ShellResult>
  work: string
}

/** A fresh shell's environment: PATH with the shim first, HOME, a locale, the port; nothing of this machine's. */
async function newcomer(extra: (home: string) => Record<string, string>): Promise<Newcomer> {
  const work = mkdtempSync(join(tmpdir(), 'mfbatch-readme-'))
  const [bin, home, project] = ['bin', 'home', 'project'].map((name) => join(work, name))
  for (const dir of [bin, home, project]) mkdirSync(dir)
  writeFileSync(join(bin, 'mfbatch'), `#!/bin/sh\nexec "${process.execPath}" "${RUN}" "$@"\n`)
  chmodSync(join(bin, 'mfbatch'), 0o755)
  const env: Record<string, string> = {
    HOME: home,
    LANG: 'C.UTF-8',
    MFBATCH_EMULATOR_PORT: String(await freePort()),
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ...extra(home),
  }
  return {env, home, project, shell: (line) => bash(line, project, env), work}
}

/** The user's keys and session token in the environment, as `aws configure export-credentials` leaves them. */
function environmentKeys(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: USER_KEYS.env,
    AWS_SECRET_ACCESS_KEY: 'env-secret',
    AWS_SESSION_TOKEN: 'env-session-token',
  }
}

/** A profile with keys in ~/.aws/config and ~/.aws/credentials, chosen by AWS_PROFILE, beside the environment's. */
function profileKeys(home: string): Record<string, string> {
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'config'),
    `[profile readme]\naws_access_key_id = ${USER_KEYS.profile}\naws_secret_access_key = profile-secret\n` +
      'region = eu-west-3\n',
  )
  writeFileSync(
    join(home, '.aws', 'credentials'),
    `[readme]\naws_access_key_id = ${USER_KEYS.profileCredentials}\naws_secret_access_key = credentials-secret\n`,
  )
  return {...environmentKeys(), AWS_PROFILE: 'readme'}
}

/** stderr lines that say something went wrong, or that point at credentials. */
const TROUBLE = /error|warning|credential|unknown|denied|not found/i

/** The job's own stdout: the bootstrap's progress lines set aside (they are its own business, issue 20 point 11). */
const jobOutput = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('mfbatch-bootstrap: '))
    .join('\n')

describe.each([
  ['a fresh HOME with no AWS variables', () => ({})],
  ["the user's own keys and session token in the environment", environmentKeys],
  ["the user's own profile (AWS_PROFILE, ~/.aws/config and credentials)", profileKeys],
])('the README as a newcomer runs it: %s', (_name, extra) => {
  let user: Newcomer

  beforeAll(async () => {
    user = await newcomer(extra)
  })

  afterAll(async () => {
    const stopped = await user.shell('mfbatch emulator stop')
    rmSync(user.work, {force: true, recursive: true})
    expect(stopped.code).toBe(0)
  })

  test('the quick start: the job runs on an emulator started for it and its log is printed', async () => {
    expect(QUICK_START).toEqual(['mfbatch submit --local --follow -- echo "hello from mfbatch"'])
    const run = await user.shell(QUICK_START[0])
    expect([run.code, run.stdout]).toEqual([0, 'hello from mfbatch\n'])
    const lines = run.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(
      /^mfbatch: started the local AWS Batch emulator at http:\/\/127\.0\.0\.1:\d+ in the background/,
    )
    expect(lines.at(-1)).toMatch(/^mfbatch: job mfbatch-echo [\da-f-]{36} SUCCEEDED\b/)
    expect(lines.filter((line) => TROUBLE.test(line))).toEqual([])
  })

  test('your own code: --package ships the project folder and the job runs train.py there', async () => {
    expect(OWN_CODE).toHaveLength(1)
    const run = await user.shell(OWN_CODE[0])
    expect([run.code, jobOutput(run.stdout)]).toEqual([0, 'hello from train.py\n'])
    expect(readFileSync(join(user.project, 'train.py'), 'utf8')).toBe('print("hello from train.py")\n')
    const lines = run.stderr.trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(/^mfbatch: job mfbatch-python3-train_py [\da-f-]{36} SUCCEEDED\b/)
    expect(lines.filter((line) => TROUBLE.test(line))).toEqual([])
  })

  test("submit --help's --local examples run as printed, in a folder with a Makefile", async () => {
    const help = await user.shell('mfbatch submit --help')
    const examples = localExamples(help.stdout)
    expect(examples).toEqual(['mfbatch submit --local --package --wait --wait-timeout 1h -- make test'])
    writeFileSync(join(user.project, 'Makefile'), 'test:\n\t@echo "tests pass"\n')
    for (const example of examples) {
      // eslint-disable-next-line no-await-in-loop -- one example after the other, as a user tries them
      const run = await user.shell(example)
      expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^[\da-f-]{36}\n$/)])
      const jobId = run.stdout.trim()
      // eslint-disable-next-line no-await-in-loop -- the log of the job just run
      const logs = await user.shell(`mfbatch logs --local ${jobId}`)
      expect([logs.code, jobOutput(logs.stdout)]).toEqual([0, 'tests pass\n'])
    }
  })

  test("nothing reached the emulator signed with the user's keys: only its own key ids", async () => {
    const stateDir = join(user.home, '.local', 'share', 'mfbatch', 'emulator')
    const credentials = emulatorCredentials(stateDir)
    const url = `http://127.0.0.1:${user.env.MFBATCH_EMULATOR_PORT}/__emulator/stats`
    const {calls, keyIds} = (await httpJson('GET', url, credentials)) as {
      calls: Record<string, number>
      keyIds: Record<string, number>
    }
    expect(Object.keys(keyIds).filter((id) => Object.values(USER_KEYS).includes(id))).toEqual([])
    // The S3 calls of --package were made, signed with the emulator's key: the absence above means something.
    expect(calls['s3:PutObject']).toBeGreaterThan(0)
    expect(keyIds[credentials.accessKeyId]).toBeGreaterThan(0)
  })
})

/** The EXAMPLES of a help text that use `--local`, each as printed (a `\` continuation kept, as a shell reads it). */
function localExamples(help: string): string[] {
  const examples: string[] = []
  let current: string | undefined
  for (const line of help.slice(help.indexOf('\nEXAMPLES\n')).split('\n')) {
    const text = line.trim()
    if (current !== undefined) current += `\n${text}`
    else if (text.startsWith('$ ')) current = text.slice(2)
    if (current !== undefined && !text.endsWith('\\')) {
      if (/(^|\s)--local(\s|$)/.test(current)) examples.push(current)
      current = undefined
    }
  }

  return examples
}

function bash(line: string, cwd: string, env: Record<string, string>): Promise<ShellResult> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', line], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`${line} did not finish within 90 s: ${stderr}`))
    }, 90_000)
    child.on('error', fail)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      done({code: code ?? (signal ? 128 : 0), stderr, stdout})
    })
  })
}
