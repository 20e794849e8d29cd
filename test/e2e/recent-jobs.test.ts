/**
 * The jobs just submitted: every `mfbatch submit` appends to a local history (MFBATCH_CACHE_DIR), `status` with no
 * arguments lists those of the current endpoint, and `last` / `last~N` stand for them in `logs`, `kill`, `status`.
 * The built CLI against an emulator on a free port; job states checked with AWS's own client.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, removeStateDir, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {freePort} from '../helpers/ports'
import {batchClient, describeAll, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient
let cacheDir: string

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
const env = () => ({...emulator.env, MFBATCH_CACHE_DIR: cacheDir})
const cli = (args: string[]) => runCli(args, {env: env()})

async function submit(name: string, command: string[]): Promise<string> {
  const result = await cli(['submit', '--queue', 'local', '--name', name, '--quiet', '--', ...command])
  expect(result).toMatchObject({code: 0, stderr: ''})
  return result.stdout.trim()
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'mfbatch-recent-'))
})

afterEach(() => rmSync(cacheDir, {force: true, recursive: true}))

describe('recent jobs', () => {
  test('status with no arguments after three submits lists them newest first; logs last, kill last~1', async () => {
    const first = await submit('recent-1', ['sh', '-c', 'echo one'])
    const second = await submit('recent-2', ['sleep', '300'])
    const third = await submit('recent-3', ['sh', '-c', 'echo three'])

    const listed = await cli(['status'])
    expect(listed.code).toBe(0)
    expect(listed.stderr).toBe('')
    expect(lines(listed.stdout).map((line) => line.split('\t').slice(0, 2))).toEqual([
      [third, 'recent-3'],
      [second, 'recent-2'],
      [first, 'recent-1'],
    ])

    const json = await cli(['status', '--json', '--limit', '2'])
    expect((JSON.parse(json.stdout) as {jobs: {jobId: string}[]}).jobs.map((job) => job.jobId)).toEqual([third, second])

    await waitUntil(batch, [third], (status) => status === 'SUCCEEDED')
    expect(await cli(['logs', 'last'])).toEqual({code: 0, stderr: '', stdout: 'three\n'})
    expect(await cli(['logs', 'last~2'])).toEqual({code: 0, stderr: '', stdout: 'one\n'})

    const killed = await cli(['kill', 'last~1'])
    expect(killed.code).toBe(0)
    expect(killed.stdout).toBe(`${second}\n`)
    await waitUntil(batch, [second], (status) => status === 'FAILED')
    const [job] = await describeAll(batch, [second])
    expect(job.status).toBe('FAILED')
  }, 60_000)

  test('last~N beyond the history is bad input naming the argument, before any API call', async () => {
    await submit('only-one', ['true'])
    await emulator.resetStats()
    expect(await cli(['logs', 'last~1'])).toEqual({
      code: 2,
      stderr: `mfbatch: JOB: "last~1" is not allowed; only 1 job is remembered for ${emulator.url} (us-east-1); give a job id\n`,
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })

  test('another endpoint does not see these jobs', async () => {
    await submit('here', ['true'])
    const elsewhere = await runCli(['status'], {
      env: {...env(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9'},
    })
    expect(elsewhere).toEqual({
      code: 2,
      stderr:
        'mfbatch: no job submitted from this machine to http://127.0.0.1:9 is remembered; give job ids, or --queue QUEUE\n',
      stdout: '',
    })
  })

  test('two submits at once both land in the history, one whole line each', async () => {
    const [a, b] = await Promise.all([submit('together-a', ['true']), submit('together-b', ['true'])])
    const file = lines(readFileSync(join(cacheDir, 'history.jsonl'), 'utf8')).map(
      (line) => (JSON.parse(line) as {id: string}).id,
    )
    expect(file.sort()).toEqual([a, b].sort())
    const listed = await cli(['status', '--json'])
    const ids = (JSON.parse(listed.stdout) as {jobs: {jobId: string}[]}).jobs.map((job) => job.jobId)
    expect(ids.sort()).toEqual([a, b].sort())
  }, 60_000)
})

/**
 * `last` names the same job in every shell that talks to the local emulator: with --local whatever AWS_REGION says
 * (the emulator answers in any region), and after `eval "$(mfbatch emulator env)"` without --local.
 */
describe('last with the local emulator', () => {
  let data: string
  let localEnv: Record<string, string>

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'mfbatch-recent-local-'))
    localEnv = {MFBATCH_EMULATOR_PORT: String(await freePort()), XDG_DATA_HOME: join(data, 'data')}
  })

  afterAll(async () => {
    await runCli(['emulator', 'stop'], {env: localEnv})
    rmSync(data, {force: true, recursive: true})
  })

  const lastJob = async (extra: Record<string, string>, args: string[] = ['--local']) => {
    const result = await runCli(['status', 'last', '--json', ...args], {
      env: {...localEnv, MFBATCH_CACHE_DIR: cacheDir, ...extra},
    })
    expect([result.code, result.stderr]).toEqual([0, ''])
    return (JSON.parse(result.stdout) as {jobs: {jobId: string}[]}).jobs.map((job) => job.jobId)
  }

  test('A with AWS_REGION, then B without: last is B with or without AWS_REGION, and after emulator env', async () => {
    const submitLocal = async (extra: Record<string, string>) => {
      const result = await runCli(['submit', '--local', '--queue', 'local', '--quiet', '--', 'true'], {
        env: {...localEnv, MFBATCH_CACHE_DIR: cacheDir, ...extra},
      })
      expect(result.code).toBe(0)
      return result.stdout.trim()
    }

    await submitLocal({AWS_REGION: 'us-east-1'})
    const b = await submitLocal({})
    expect(await lastJob({})).toEqual([b])
    expect(await lastJob({AWS_REGION: 'us-east-1'})).toEqual([b])
    expect(await lastJob({AWS_REGION: 'eu-west-1'})).toEqual([b])
    // The shell set up by emulator env, with no --local.
    const script = `eval "$("${process.execPath}" "${RUN}" emulator env 2>/dev/null)" && "${process.execPath}" "${RUN}" status last --json`
    const viaEnv = spawnSync('sh', ['-c', script], {
      encoding: 'utf8',
      env: {...cleanEnv(), ...localEnv, MFBATCH_CACHE_DIR: cacheDir},
    })
    expect([viaEnv.status, viaEnv.stderr]).toEqual([0, ''])
    expect((JSON.parse(viaEnv.stdout) as {jobs: {jobId: string}[]}).jobs.map((job) => job.jobId)).toEqual([b])
  }, 60_000)
})
