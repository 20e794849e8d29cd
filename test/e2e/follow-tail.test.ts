/**
 * `--follow` against an endpoint that, like CloudWatch, never says a log is complete
 * (MFBATCH_EMULATOR_HIDE_STREAM_END) and makes each line readable LATE_MS after the job wrote it
 * (MFBATCH_EMULATOR_LOG_DELAY_MS): following keeps its grace period, counted from the job's end and the last line's
 * ingestion, not from when mfbatch noticed the end.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const LATE_MS = 2500

let emulator: TestEmulator
let home: string

const mfbatch = (args: string[]) => runCli(args, {cwd: home, env: {...emulator.env, HOME: home}})
const submitFollow = (grace: string, script: string) =>
  mfbatch(['submit', '--queue', 'local', '--quiet', '--follow', '--grace', grace, '--', 'sh', '-c', script])

beforeAll(async () => {
  emulator = await startEmulator({
    env: {MFBATCH_EMULATOR_HIDE_STREAM_END: '1', MFBATCH_EMULATOR_LOG_DELAY_MS: String(LATE_MS)},
  })
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-follow-tail-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('following when the endpoint never says the log is complete', () => {
  test('submit --grace: lines delivered after the job ended, within the grace, are printed; the exit is the job code', async () => {
    const result = await submitFollow('4s', 'echo first; echo last; exit 4')
    expect(result).toEqual({code: 4, stderr: '', stdout: 'first\nlast\n'})
  })

  test('an array job: every child\'s late lines are printed within the grace, "[i] " before each', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--quiet',
      '--follow',
      '--grace',
      '4s',
      '--array-size',
      '2',
      '--',
      'sh',
      '-c',
      'echo "late $AWS_BATCH_JOB_ARRAY_INDEX"',
    ])
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(result.stdout.split('\n').sort()).toEqual(['', '[0] late 0', '[1] late 1'])
  })

  test('a grace shorter than the delivery: the late lines are missed (what the grace is for)', async () => {
    const result = await submitFollow('200ms', 'echo missed')
    expect(result).toEqual({code: 0, stderr: '', stdout: ''})
  })

  test('a job that ended longer ago than the grace: following reads once and ends', async () => {
    const submitted = await mfbatch(['submit', '--queue', 'local', '--quiet', '--wait', '--', 'echo', 'done'])
    const id = submitted.stdout.trim()
    // The line is delivered LATE_MS after the job ends; then let more than the grace pass.
    const until = Date.now() + 20_000
    // eslint-disable-next-line no-await-in-loop -- polls until the late line is readable
    while ((await mfbatch(['logs', id])).stdout !== 'done\n') {
      if (Date.now() > until) throw new Error('the line never came')
    }

    await new Promise((resolve) => {
      setTimeout(resolve, 1500)
    })
    await emulator.resetStats()
    const result = await mfbatch(['logs', '--follow', '--grace', '1s', id])
    expect(result).toMatchObject({code: 0, stdout: 'done\n'})
    // One DescribeJobs and one drain (the page, then its token back): the grace had run out before following began.
    expect(await emulator.stats()).toEqual({'batch:DescribeJobs': 1, 'logs:GetLogEvents': 2})
  })

  test('submit --grace without --follow, or no duration: one line, exit 2 (125 when waiting), no call', async () => {
    await emulator.resetStats()
    expect(await mfbatch(['submit', '--queue', 'local', '--grace', '5s', '--', 'true'])).toEqual({
      code: 2,
      stderr: 'mfbatch: --grace is for --follow: add --follow\n',
      stdout: '',
    })
    expect(await mfbatch(['submit', '--queue', 'local', '--follow', '--grace', 'soon', '--', 'true'])).toEqual({
      code: 125,
      stderr: 'mfbatch: --grace: "soon" is not allowed; use a duration such as 90s, 15m, 2h, 1h30m or 1d\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})
