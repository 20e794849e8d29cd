/**
 * Ctrl-C while a submit is still talking to AWS Batch: nothing is sent again, one lookup says whether the job
 * exists, and the process ends with 130. Two emulators whose answers come late (MFBATCH_EMULATOR_ANSWER_DELAY,
 * an emulator-only knob): one holds back SubmitJob's answer though the job is made at once (the answer lost on a
 * slow network), the other DescribeJobDefinitions', so Ctrl-C lands before any SubmitJob is sent.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {Running} from '../helpers/running'

const ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/
/** Longer than any test: the held-back answer never comes while the CLI runs. */
const HELD_MS = 60_000

let lateSubmit: TestEmulator
let lateDefinitions: TestEmulator
let home: string

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
/** No submit cache: every submit describes the queue and looks the definition up, as a first submit does. */
const env = (emulator: TestEmulator) => ({...emulator.env, HOME: home, MFBATCH_NO_CACHE: '1'})

/** Resolves once the emulator has been asked `operation` at least once. */
async function askedFor(emulator: TestEmulator, operation: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    if (((await emulator.stats())[`batch:${operation}`] ?? 0) > 0) return
    if (Date.now() > until) throw new Error(`${operation} was never called`)
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, 50)
    })
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-submit-interrupt-'))
  ;[lateSubmit, lateDefinitions] = await Promise.all([
    startEmulator({env: {MFBATCH_EMULATOR_ANSWER_DELAY: `SubmitJob=${HELD_MS}`}}),
    startEmulator({env: {MFBATCH_EMULATOR_ANSWER_DELAY: `DescribeJobDefinitions=${HELD_MS}`}}),
  ])
}, 60_000)

afterAll(async () => {
  await Promise.all(
    [lateSubmit, lateDefinitions].map(async (emulator) => {
      await emulator?.stop()
      if (emulator) removeStateDir(emulator.stateDir)
    }),
  )

  if (home) rmSync(home, {force: true, recursive: true})
})

describe('Ctrl-C while SubmitJob is unanswered', () => {
  test('the job was made: "submitted as ID" on stderr, the id on stdout, exit 130, no second SubmitJob', async () => {
    const run = new Running(['submit', '--queue', 'local', '--name', 'held', '--', 'sleep', '30'], {
      cwd: home,
      env: env(lateSubmit),
    })
    try {
      await askedFor(lateSubmit, 'SubmitJob')
      run.interrupt()
      const {code} = await run.done
      expect(code).toBe(130)
      const id = run.stdout.trim()
      expect(id).toMatch(ID)
      expect(lines(run.stderr)).toEqual([
        `mfbatch: interrupted; submitted as ${id}, and it runs on. Follow it or stop it with:`,
        `mfbatch:   mfbatch logs --follow ${id}`,
        `mfbatch:   mfbatch kill ${id}`,
      ])
      const stats = await lateSubmit.stats()
      expect(stats['batch:SubmitJob']).toBe(1)
      // The id is the job's: AWS Batch knows it under the name given.
      const status = await runCli(['status', '--json', id], {cwd: home, env: env(lateSubmit)})
      expect(JSON.parse(status.stdout).jobs[0]).toMatchObject({jobId: id, jobName: 'held'})
      await runCli(['kill', id], {cwd: home, env: env(lateSubmit)})
    } finally {
      await run.stop()
    }
  })

  test('--json: the id in a JSON document', async () => {
    const run = new Running(['submit', '--json', '--queue', 'local', '--', 'true'], {cwd: home, env: env(lateSubmit)})
    try {
      await lateSubmit.resetStats()
      await askedFor(lateSubmit, 'SubmitJob')
      run.interrupt()
      expect((await run.done).code).toBe(130)
      const doc = JSON.parse(run.stdout)
      expect(Object.keys(doc).sort()).toEqual(['interrupted', 'jobId'])
      expect(doc.interrupted).toBe(true)
      expect(doc.jobId).toMatch(ID)
    } finally {
      await run.stop()
    }
  })

  test('before SubmitJob was sent: "not submitted", exit 130, and no SubmitJob ever comes', async () => {
    const run = new Running(['submit', '--queue', 'local', '--wait', '--', 'true'], {
      cwd: home,
      env: env(lateDefinitions),
    })
    try {
      await askedFor(lateDefinitions, 'DescribeJobDefinitions')
      run.interrupt()
      const {code} = await run.done
      expect({code, stderr: run.stderr, stdout: run.stdout}).toEqual({
        code: 130,
        stderr: 'mfbatch: interrupted; not submitted (SubmitJob had not been sent)\n',
        stdout: '',
      })
      expect((await lateDefinitions.stats())['batch:SubmitJob'] ?? 0).toBe(0)
    } finally {
      await run.stop()
    }
  })
})
