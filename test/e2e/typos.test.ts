/**
 * Typos as users make them: an unknown command never runs the guessed one (on a terminal or in a pipe) and exits 2
 * naming the nearest command; an unknown flag names the nearest flag; `-h`, `-v` and `version` work like docker's.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {removeStateDir, ROOT, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {runOnTerminal} from '../helpers/terminal'

let emulator: TestEmulator

beforeAll(async () => {
  emulator = await startEmulator()
}, 60_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}
const SUMBIT = 'mfbatch: "sumbit" is not a mfbatch command. Did you mean "submit"? Run "mfbatch --help" for the list.\n'
const TYPO = ['sumbit', '--queue', 'local', '--', 'echo', 'hi']

async function jobsInQueue(): Promise<unknown[]> {
  const listed = await runCli(['status', '--queue', 'local', '--state', 'all', '--json'], {env: emulator.env})
  expect(listed.code).toBe(0)
  return (JSON.parse(listed.stdout) as {jobs: unknown[]}).jobs
}

describe('an unknown command', () => {
  test('in a pipe: the nearest command is named, nothing runs, exit 2', async () => {
    expect(await runCli(TYPO, {env: emulator.env})).toEqual({code: 2, stderr: SUMBIT, stdout: ''})
    expect(await jobsInQueue()).toEqual([])
  })

  test('on a terminal: no question asked, nothing runs, exit 2', async () => {
    // Nothing is ever typed: a prompt would wait until the timeout and fail the test.
    const run = await runOnTerminal(TYPO, {columns: 80, env: emulator.env, rows: 24, timeoutMs: 20_000})
    expect(run).toEqual({code: 2, output: SUMBIT.replace('\n', '\r\n')})
    expect(await jobsInQueue()).toEqual([])
  })

  test('help for it names the nearest command too: help sumbit, sumbit -h', async () => {
    expect(await runCli(['help', 'sumbit'])).toEqual({code: 2, stderr: SUMBIT, stdout: ''})
    expect(await runCli(['sumbit', '-h'])).toEqual({code: 2, stderr: SUMBIT, stdout: ''})
  })

  test('a subcommand typo names the nearest subcommand; nothing near names only --help', async () => {
    expect(await runCli(['emulator', 'strat'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: "emulator strat" is not a mfbatch command. Did you mean "emulator start"? Run "mfbatch --help" ' +
        'for the list.\n',
      stdout: '',
    })
    expect(await runCli(['--foo'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --foo: not a flag here; "mfbatch --help" lists the commands and flags\n',
      stdout: '',
    })
    expect(await runCli(['xyzzy'])).toEqual({
      code: 2,
      stderr: 'mfbatch: "xyzzy" is not a mfbatch command. Run "mfbatch --help" for the list.\n',
      stdout: '',
    })
  })
})

describe('an unknown flag', () => {
  test('--memroy names --memory, before any API call, exit 2 (125 when the command waits)', async () => {
    expect(await runCli(['submit', '--memroy', '4', '--', 'true'], {env: emulator.env})).toEqual({
      code: 2,
      stderr: 'mfbatch: --memroy: not a flag here; did you mean --memory?\n',
      stdout: '',
    })
    expect(await runCli(['submit', '--wait', '--memroy=4', '--', 'true'], {env: emulator.env})).toEqual({
      code: 125,
      stderr: 'mfbatch: --memroy: not a flag here; did you mean --memory?\n',
      stdout: '',
    })
    expect(await runCli(['status', '--jsn'], {env: emulator.env})).toEqual({
      code: 2,
      stderr: 'mfbatch: --jsn: not a flag here; did you mean --json?\n',
      stdout: '',
    })
    expect(await jobsInQueue()).toEqual([])
  })
})

describe('-h, -v and version', () => {
  test.each([[[]], [['status']], [['submit']], [['emulator', 'start']]])('%j: -h is --help', async (command) => {
    const long = await runCli([...command, '--help'])
    expect(long.code).toBe(0)
    expect(long.stdout).toMatch(/USAGE/)
    expect(await runCli([...command, '-h'])).toEqual(long)
  })

  test('-v, --version and version print the same version line', async () => {
    const line = await runCli(['--version'])
    expect(line).toEqual({
      code: 0,
      stderr: '',
      stdout: `mfbatch/${version} ${process.platform}-${process.arch} node-${process.version}\n`,
    })
    expect(await runCli(['-v'])).toEqual(line)
    expect(await runCli(['version'])).toEqual(line)
  })

  test('version --json', async () => {
    const result = await runCli(['version', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      arch: process.arch,
      node: process.versions.node,
      platform: process.platform,
      version,
    })
  })
})
