/**
 * Text from AWS or a job is data: on a terminal its escape sequences must not act. A job prints OSC 52 (set the
 * clipboard), OSC 0 (set the title), CSI cursor moves and erases, then "FAKE: job SUCCEEDED"; another job is
 * terminated with a reason made of the same; a queue carries them in its name (AWS refuses such a name, and so does
 * the emulator: the queue is planted in its saved state, as a hostile endpoint could answer with it). Every command that prints them shows them as `cat -v` does on a pseudo-terminal,
 * and passes them through untouched in a pipe and in `--json`.
 */
import {
  type BatchClient,
  CreateJobQueueCommand,
  DescribeComputeEnvironmentsCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {runOnTerminal} from '../helpers/terminal'
import {batchClient, submitJobs, waitUntil} from './jobs-fixture'

const PAYLOAD = '\u001B]52;c;aGVsbG8=\u0007\u001B]0;owned\u0007\u001B[2K\u001B[1A\u001B[2J\u001B[HFAKE: job SUCCEEDED'
const SHOWN = '^[]52;c;aGVsbG8=^G^[]0;owned^G^[[2K^[[1A^[[2J^[[HFAKE: job SUCCEEDED'
/** The same payload as a POSIX printf format, for the job to print. */
const PRINTF = String.raw`printf '\033]52;c;aGVsbG8=\007\033]0;owned\007\033[2K\033[1A\033[2J\033[HFAKE: job SUCCEEDED\n'`
// eslint-disable-next-line no-control-regex -- finding escape and bell characters is the point
const ACTIVE = /[\u0007\u001B]/
const QUEUE = 'evil\u001B[31mred\u001B]0;queue\u0007'
const QUEUE_SHOWN = 'evil^[[31mred^[]0;queue^G'
/** A name the emulator takes, in QUEUE's place until the emulator has saved it. */
const PLANTED = 'planted-queue-name'

let emulator: TestEmulator
let batch: BatchClient
let printer: string
let terminated: string

const size = {columns: 200, rows: 50}
const onTerminal = async (args: string[]) => {
  // No quiet period after a finished job's stream: the emulator's logs are complete when the job ends.
  const env = {...emulator.env, MFBATCH_LOGS_GRACE: '0s', NO_COLOR: '1'}
  const run = await runOnTerminal(args, {...size, env})
  return {code: run.code, output: run.output.replaceAll('\r\n', '\n')}
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '8']})
  batch = batchClient(emulator)
  ;[printer] = await submitJobs(batch, {command: PRINTF, count: 1, name: 'printer'})
  ;[terminated] = await submitJobs(batch, {command: 'true', count: 1, name: 'terminated', vcpus: 100})
  await batch.send(new TerminateJobCommand({jobId: terminated, reason: PAYLOAD}))
  await waitUntil(batch, [printer, terminated], (status) => ['FAILED', 'SUCCEEDED'].includes(status ?? ''))
  const {computeEnvironments} = await batch.send(new DescribeComputeEnvironmentsCommand({}))
  await batch.send(
    new CreateJobQueueCommand({
      computeEnvironmentOrder: [{computeEnvironment: computeEnvironments![0].computeEnvironmentName!, order: 1}],
      jobQueueName: PLANTED,
      priority: 1,
    }),
  )
  // The emulator refuses QUEUE as AWS does: it is put in the saved state while the emulator is stopped.
  await emulator.stop()
  const control = join(emulator.stateDir, 'batch', 'batch-control.json')
  writeFileSync(control, readFileSync(control, 'utf8').replaceAll(PLANTED, JSON.stringify(QUEUE).slice(1, -1)))
  emulator = await startEmulator({args: ['--vcpus', '8'], port: emulator.port, stateDir: emulator.stateDir})
  batch = batchClient(emulator)
}, 90_000)

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('on a terminal the payload is inert', () => {
  test('logs', async () => {
    expect(await onTerminal(['logs', printer])).toEqual({code: 0, output: `${SHOWN}\n`})
  })

  test('logs --timestamps and --follow of a finished job', async () => {
    const run = await onTerminal(['logs', '--timestamps', '--follow', printer])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${escape(SHOWN)}$`, 'm'))
  })

  test('logs --raw gives the job its own bytes back', async () => {
    expect(await onTerminal(['logs', '--raw', printer])).toEqual({code: 0, output: `${PAYLOAD}\n`})
  })

  test('status: the one-job view shows the reason inert', async () => {
    const run = await onTerminal(['status', terminated])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output.split('\n').find((line) => line.startsWith('Reason:'))).toBe(`Reason:      ${SHOWN}`)
  })

  test('status: the table shows the reason inert', async () => {
    const run = await onTerminal(['status', printer, terminated])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output).toMatch(new RegExp(`^${terminated}  terminated-0  FAILED +${escape(SHOWN)}  `, 'm'))
  })

  test('status --watch: the screen is not cleared by the reason', async () => {
    const run = await onTerminal(['status', '--watch', printer, terminated])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output).toContain(SHOWN)
  })

  test('submit --follow: the log line and the final status line', async () => {
    const run = await onTerminal(['submit', '--follow', '--name', 'follow-printer', '--', 'sh', '-c', PRINTF])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output.split('\n')).toContain(SHOWN)
  })

  test('queues: a queue name does not colour the table', async () => {
    const run = await onTerminal(['queues'])
    expect(run.code).toBe(0)
    expect(run.output).not.toMatch(ACTIVE)
    expect(run.output).toMatch(new RegExp(`^ +${escape(QUEUE_SHOWN)} +ENABLED`, 'm'))
  })
})

describe('in a pipe and in --json the bytes are unchanged', () => {
  test('logs', async () => {
    expect(await runCli(['logs', printer], {env: emulator.env})).toEqual({code: 0, stderr: '', stdout: `${PAYLOAD}\n`})
  })

  test('logs --json', async () => {
    const run = await runCli(['logs', '--json', printer], {env: emulator.env})
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).message).toBe(PAYLOAD)
  })

  test('status', async () => {
    const run = await runCli(['status', terminated], {env: emulator.env})
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')).toContain(`Reason\t${PAYLOAD}`)
  })

  test('status --json', async () => {
    const run = await runCli(['status', '--json', terminated], {env: emulator.env})
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).jobs[0].statusReason).toBe(PAYLOAD)
  })

  test('queues and queues --json', async () => {
    const piped = await runCli(['queues'], {env: emulator.env})
    expect(piped.code).toBe(0)
    // A pipe's fields never carry colour codes (src/output/table.ts), so that much of the name goes; the rest is raw.
    expect(piped.stdout.split('\n').map((line) => line.split('\t')[1])).toContain('evilred\u001B]0;queue\u0007')
    const json = await runCli(['queues', '--json'], {env: emulator.env})
    expect(JSON.parse(json.stdout).queues.map((q: {name: string}) => q.name)).toContain(QUEUE)
  })
})

function escape(text: string): string {
  return text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
}
