/**
 * GPUs handed out like the ECS agent does, on a machine without any: `mfbatch emulator --gpus 2` makes up two,
 * each job holds its own while it runs and finds them in NVIDIA_VISIBLE_DEVICES and CUDA_VISIBLE_DEVICES.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import {removeStateDir, runCli, type RunResult, startEmulator, type TestEmulator} from '../helpers/emulator'
import {pause} from '../helpers/running'

let emulator: TestEmulator
let scratch: string

/** Prints what the job sees: `NVIDIA_VISIBLE_DEVICES (set|unset) | CUDA_VISIBLE_DEVICES`. */
// eslint-disable-next-line no-template-curly-in-string -- a shell script, not a template
const SHOW = 'echo "${NVIDIA_VISIBLE_DEVICES-unset}|${CUDA_VISIBLE_DEVICES-unset}"'

const cli = (args: string[], env: Record<string, string> = {}): Promise<RunResult> =>
  runCli(args, {env: {...emulator.env, ...env}})

const submit = async (gpus: number, script: string): Promise<string> => {
  const run = await cli([
    'submit',
    '--queue',
    'local',
    '--memory',
    '64',
    '--gpu',
    String(gpus),
    '--',
    'sh',
    '-c',
    script,
  ])
  expect(run.code).toBe(0)
  return run.stdout.trim()
}

const statusOf = async (jobId: string): Promise<{reason?: null | string; status: string}> => {
  const run = await cli(['status', jobId, '--json'])
  const [job] = (JSON.parse(run.stdout) as {jobs: Array<{status: string; statusReason?: null | string}>}).jobs
  return {reason: job.statusReason, status: job.status}
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- polling
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    // eslint-disable-next-line no-await-in-loop
    await pause(50)
  }
}

const fileText = (file: string): string | undefined => {
  try {
    const text = fs.readFileSync(file, 'utf8')
    return text.endsWith('\n') ? text.trim() : undefined
  } catch {
    return undefined
  }
}

describe('emulator --gpus 2', () => {
  beforeAll(async () => {
    // vCPUs to spare, so GPUs are what jobs wait for.
    emulator = await startEmulator({args: ['--gpus', '2', '--vcpus', '8']})
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-gpus-'))
  }, 30_000)

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
    fs.rmSync(scratch, {force: true, recursive: true})
  })

  test('emulator status --json lists the made-up GPUs', async () => {
    const run = await cli([
      'emulator',
      'status',
      '--json',
      '--state-dir',
      emulator.stateDir,
      '--port',
      String(emulator.port),
    ])
    expect((JSON.parse(run.stdout) as {gpus: unknown}).gpus).toEqual({
      ids: ['GPU-fake-0', 'GPU-fake-1'],
      source: 'fake',
    })
  })

  test('a --gpu 1 job sees one device; a --gpu 0 job sees none', async () => {
    const one = await cli([
      'submit',
      '--queue',
      'local',
      '--memory',
      '64',
      '--gpu',
      '1',
      '--follow',
      '--',
      'sh',
      '-c',
      SHOW,
    ])
    expect(one).toMatchObject({code: 0, stdout: 'GPU-fake-0|GPU-fake-0\n'})
    const none = await cli([
      'submit',
      '--queue',
      'local',
      '--memory',
      '64',
      '--gpu',
      '0',
      '--follow',
      '--',
      'sh',
      '-c',
      SHOW,
    ])
    expect(none).toMatchObject({code: 0, stdout: 'unset|\n'})
  }, 30_000)

  test('two concurrent --gpu 1 jobs get different devices; a third waits until one ends', async () => {
    const release = path.join(scratch, 'release')
    const hold = (name: string) =>
      `${SHOW} > ${path.join(scratch, name)}; while [ ! -e ${release} ]; do sleep 0.05; done`
    const first = await submit(1, hold('a'))
    const second = await submit(1, hold('b'))
    const seen = await until(() => {
      const [a, b] = [fileText(path.join(scratch, 'a')), fileText(path.join(scratch, 'b'))]
      return a && b ? [a, b].sort() : undefined
    }, 'both GPU jobs to run')
    expect(seen).toEqual(['GPU-fake-0|GPU-fake-0', 'GPU-fake-1|GPU-fake-1'])

    const third = await submit(1, `${SHOW} > ${path.join(scratch, 'c')}`)
    // A job without GPUs submitted after it runs and ends: the scheduler went past the third, which still waits.
    const passer = await cli(['submit', '--queue', 'local', '--memory', '64', '--wait', '--', 'true'])
    expect(passer.code).toBe(0)
    expect(await statusOf(third)).toEqual({reason: null, status: 'RUNNABLE'})

    fs.writeFileSync(release, '')
    expect(await until(() => fileText(path.join(scratch, 'c')), 'the third GPU job to run')).toMatch(
      /^GPU-fake-[01]\|GPU-fake-[01]$/,
    )
    for (const id of [first, second, third]) {
      // eslint-disable-next-line no-await-in-loop
      expect(await until(async () => ((await statusOf(id)).status === 'SUCCEEDED' ? true : undefined), id)).toBe(true)
    }
  }, 60_000)

  test('a --gpu 3 job stays RUNNABLE with the MISCONFIGURATION reason, and the diagnosis names GPUs', async () => {
    const run = await cli(
      ['submit', '--queue', 'local', '--memory', '64', '--gpu', '3', '--wait', '--wait-timeout', '3s', '--', 'true'],
      {
        MFBATCH_RUNNABLE_DIAGNOSIS_AFTER: '1s',
      },
    )
    const jobId = run.stdout.trim()
    expect(await statusOf(jobId)).toEqual({
      reason:
        'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.',
      status: 'RUNNABLE',
    })
    expect(run.stderr).toContain('the job asks for 3 GPUs')
  }, 30_000)
})
