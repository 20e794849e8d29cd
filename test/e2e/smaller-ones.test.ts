/**
 * The smaller rough edges a first hour finds, each in the form it was found: the one-job view in a pipe (ISO times
 * only), `submit --json --wait` (one document with the result), `config --local`, the root help (emulator once),
 * and `--state` values a shell can complete. The built CLI against one emulator on a free port.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, ROOT, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const mfbatch = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, {cwd: home, env: {...emulator.env, HOME: home, ...extra}})
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '2']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-smaller-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
})

describe('status JOB in a pipe', () => {
  test('the detail view has ISO times alone (no "ago") and the duration in seconds, with its unit', async () => {
    const submitted = await mfbatch(['submit', '--queue', 'local', '--wait', '--quiet', '--', 'sh', '-c', 'exit 0'])
    expect(submitted.code).toBe(0)
    const result = await mfbatch(['status', submitted.stdout.trim()])
    expect([result.code, result.stderr]).toEqual([0, ''])
    const pairs = new Map(lines(result.stdout).map((line) => line.split('\t') as [string, string]))
    for (const label of ['Created', 'Started', 'Stopped'])
      expect([label, pairs.get(label)]).toEqual([label, expect.stringMatching(ISO)])
    expect(pairs.get('Duration')).toMatch(/^\d+s$/)
    expect(result.stdout).not.toMatch(/ago\)|just now/)
    expect(pairs.get('Attempts')).toMatch(/^#1 {2}exit 0 {2}\d+s {2}/)
  })
})

describe('submit --json --wait', () => {
  const SUBMIT_KEYS = ['jobArn', 'jobDefinition', 'jobId', 'jobName', 'jobQueue', 'platform']

  test('one document once the job ends: the submit fields plus the result, and the job exit code', async () => {
    const result = await mfbatch(['submit', '--queue', 'local', '--json', '--wait', '--', 'sh', '-c', 'exit 3'])
    expect(result.code).toBe(3)
    const document = JSON.parse(result.stdout)
    expect(result.stdout).toBe(`${JSON.stringify(document, null, 2)}\n`)
    expect(Object.keys(document).sort()).toEqual([...SUBMIT_KEYS, 'result'].sort())
    expect(document.platform).toBe('EC2')
    const {job, ...rest} = document.result
    expect(rest).toEqual({
      end: 'finished',
      exitCode: 3,
      reason: 'Essential container in task exited',
      status: 'FAILED',
    })
    expect(job).toMatchObject({
      exitCode: 3,
      jobId: document.jobId,
      status: 'FAILED',
      stoppedAt: expect.stringMatching(ISO),
    })
    // status --json describes the job the same way.
    const shown = JSON.parse((await mfbatch(['status', '--json', document.jobId])).stdout)
    expect(Object.keys(job).sort()).toEqual(Object.keys(shown.jobs[0]).sort())
  })

  test('--wait-timeout: the result says timeout, exit 124, the job as last seen', async () => {
    // More vCPUs than the emulator has: the job stays RUNNABLE.
    const args = ['submit', '--queue', 'local', '--cpu', '64', '--json', '--wait-timeout', '2s', '--', 'true']
    const result = await mfbatch(args)
    expect(result.code).toBe(124)
    const document = JSON.parse(result.stdout)
    expect([document.result.end, document.result.exitCode, document.result.status]).toEqual([
      'timeout',
      124,
      'RUNNABLE',
    ])
    await mfbatch(['kill', document.jobId])
  })

  test('the help documents the shape', async () => {
    const help = (await mfbatch(['submit', '--help'])).stdout.replaceAll(/\s+/g, ' ')
    expect(help).toContain('--json --wait: the same, printed once the wait ends, plus "result": {end (finished,')
  })
})

describe('config --local', () => {
  test("shows the settings as --local makes them: the local emulator's endpoint and region, nothing started", async () => {
    const env = {AWS_ENDPOINT_URL: '', HOME: home, MFBATCH_EMULATOR_PORT: '45999'}
    const result = await runCli(['config', '--local'], {cwd: home, env})
    expect([result.code, result.stderr]).toEqual([0, ''])
    const rows = lines(result.stdout).filter((line) => /^(endpointUrl|region)\t/.test(line))
    expect(rows.sort()).toEqual([
      'endpointUrl\thttp://127.0.0.1:45999\t--local (MFBATCH_EMULATOR_PORT)',
      "region\tus-east-1\t--local (the emulator's region)",
    ])
    // Nothing was started for it: no state dir under this HOME.
    expect(existsSync(join(home, '.local', 'share', 'mfbatch', 'emulator'))).toBe(false)
  })

  test('--json, with a region that is set kept; --endpoint-url with it is refused', async () => {
    const json = await runCli(['config', '--local', '--json', '--region', 'eu-west-1'], {cwd: home, env: {HOME: home}})
    expect(json.code).toBe(0)
    const {settings} = JSON.parse(json.stdout)
    expect([settings.endpointUrl, settings.region]).toEqual([
      {label: '--local', source: 'flag', value: 'http://127.0.0.1:4589'},
      {label: '--region', source: 'flag', value: 'eu-west-1'},
    ])
    const both = await runCli(['config', '--local', '--endpoint-url', 'http://127.0.0.1:1'], {
      cwd: home,
      env: {HOME: home},
    })
    expect(both).toEqual({code: 2, stderr: 'mfbatch: --local and --endpoint-url: use one or the other\n', stdout: ''})
  })
})

describe('help and completion', () => {
  test('the root help lists emulator once, as a command naming its subcommands', async () => {
    const help = await mfbatch(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).not.toContain('TOPICS')
    const emulatorLines = lines(help.stdout).filter((line) => /^ {2}emulator\b/.test(line))
    expect(emulatorLines).toEqual([expect.stringMatching(/^ {2}emulator {6}Run the local AWS Batch/)])
    expect(help.stdout.replaceAll(/\s+/g, ' ')).toContain('Also: emulator env, start, status, stop.')
  })

  test('--state values are options in the manifest, so the zsh completion offers them', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const options = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'all']
    expect(manifest.commands.status.flags.state.options).toEqual(options)
    expect(manifest.commands.kill.flags.state.options).toEqual(options)
    const cache = join(home, 'completion-cache')
    const refreshed = await runCli(['autocomplete', '--refresh-cache'], {
      cwd: home,
      env: {HOME: home, XDG_CACHE_HOME: cache},
    })
    expect(refreshed.code).toBe(0)
    const zsh = readFileSync(join(cache, 'mfbatch', 'autocomplete', 'functions', 'zsh', '_mfbatch'), 'utf8')
    const offered = zsh.split('\n').filter((line) => line.startsWith('"*"--state"['))
    expect(offered).toEqual([
      expect.stringContaining(`:state options:(${options.join(' ')})"`),
      expect.stringContaining(`:state options:(${options.join(' ')})"`),
    ])
  })

  test('--state still takes any case and comma-separated lists; a bad one is refused naming it', async () => {
    const ok = await mfbatch(['status', '--queue', 'local', '--state', 'runnable,Succeeded', '--state', 'failed'])
    expect([ok.code, ok.stderr]).toEqual([0, ''])
    const refused = await mfbatch(['status', '--queue', 'local', '--state', 'running,done'])
    expect(refused).toEqual({
      code: 2,
      stderr:
        'mfbatch: --state: "done" is not allowed; use one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, ' +
        'SUCCEEDED, FAILED or all\n',
      stdout: '',
    })
  })
})
