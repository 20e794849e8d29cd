/**
 * The jobs just submitted: every `mfbatch submit` appends to a local history (MFBATCH_CACHE_DIR), `status` with no
 * arguments lists those of the current endpoint, and `last` / `last~N` stand for them in `logs`, `kill`, `status`.
 * The built CLI against an emulator on a free port; job states checked with AWS's own client.
 */
import type {BatchClient} from '@aws-sdk/client-batch'

import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
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
