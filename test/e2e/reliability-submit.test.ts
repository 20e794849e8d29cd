/**
 * Reliability 1, no double submit (DESIGN.md section 6). SubmitJob has no idempotency token, and job names are not
 * unique: 200 submits of one name, 8 at a time, through an emulator that drops a fifth of its answers after doing
 * the work and fails a tenth with a 500, must make exactly 200 jobs, each submit printing the id of the job it
 * made. The jobs are counted afterwards on the same state dir by an emulator without faults.
 */
import {
  type BatchClient,
  DescribeJobsCommand,
  type JobDetail,
  type JobSummary,
  ListJobsCommand,
} from '@aws-sdk/client-batch'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, type RunResult, startEmulator, type TestEmulator} from '../helpers/emulator'
import {inPool, printFigures} from '../helpers/figures'
import {batchClient} from './jobs-fixture'

const SUBMITS = 200
const AT_ONCE = 8
const NAME = 'same-name'
const ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/

let home: string
const emulators: TestEmulator[] = []

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-once-'))
})

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()))
  for (const dir of new Set(emulators.map((e) => e.stateDir))) removeStateDir(dir)
  if (home) rmSync(home, {force: true, recursive: true})
})

async function listByName(batch: BatchClient, name: string): Promise<JobSummary[]> {
  const found: JobSummary[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages come one after another
    const page = await batch.send(
      new ListJobsCommand({filters: [{name: 'JOB_NAME', values: [name]}], jobQueue: 'local', nextToken}),
    )
    found.push(...(page.jobSummaryList ?? []))
    nextToken = page.nextToken
  } while (nextToken)

  return found
}

async function describe100(batch: BatchClient, ids: readonly string[]): Promise<JobDetail[]> {
  const pages = await inPool(
    Array.from({length: Math.ceil(ids.length / 100)}, (_, i) => ids.slice(i * 100, i * 100 + 100)),
    2,
    (chunk) => batch.send(new DescribeJobsCommand({jobs: chunk})),
  )
  return pages.flatMap((page) => page.jobs ?? [])
}

describe('no double submit', () => {
  test(`${SUBMITS} submits of one name under dropped answers and 5xx make exactly ${SUBMITS} jobs`, async () => {
    // 64 vCPUs on a 2-vCPU emulator: the jobs stay RUNNABLE, so nothing runs while the submits are counted.
    const faulty = await startEmulator({
      args: ['--vcpus', '2', '--fault-drop', '0.2', '--fault-5xx', '0.1', '--seed', '6'],
    })
    emulators.push(faulty)
    const started = Date.now()
    const results: RunResult[] = await inPool(Array.from({length: SUBMITS}), AT_ONCE, () =>
      runCli(['submit', '--queue', 'local', '--name', NAME, '--cpu', '64', '--quiet', '--', 'true'], {
        cwd: home,
        env: {...faulty.env, HOME: home},
        timeoutMs: 90_000,
      }),
    )
    const seconds = Math.round((Date.now() - started) / 1000)
    const faults = await faulty.faults()
    const calls = await faulty.stats()
    await faulty.stop()

    // Every submit succeeded and printed one job id, and no two printed the same one.
    const failures = results.filter((r) => r.code !== 0 || !ID.test(r.stdout.trim()))
    expect(failures).toEqual([])
    const printed = results.map((r) => r.stdout.trim())
    expect(new Set(printed).size).toBe(SUBMITS)

    // Counted without faults, on the same state: exactly those jobs exist, each with its own submission mark.
    const clean = await startEmulator({args: ['--vcpus', '2'], stateDir: faulty.stateDir})
    emulators.push(clean)
    const batch = batchClient(clean)
    try {
      const listed = await listByName(batch, NAME)
      expect(listed.map((job) => job.jobId).sort()).toEqual([...printed].sort())
      const jobs = await describe100(batch, printed)
      const marks = new Set(jobs.map((job) => job.tags?.['mfbatch:submission-id']))
      expect([jobs.length, marks.size, marks.has(undefined)]).toEqual([SUBMITS, SUBMITS, false])
    } finally {
      batch.destroy()
    }

    // The faults did happen, and some of them hit SubmitJob itself.
    expect(faults.dropped).toBeGreaterThan(10)
    expect(faults.fault5xx).toBeGreaterThan(10)
    expect(calls['batch:SubmitJob']).toBeGreaterThan(SUBMITS)
    printFigures('no double submit', {
      calls: Object.values(calls).reduce((a, b) => a + b, 0),
      dropped: faults.dropped,
      fault5xx: faults.fault5xx,
      jobs: SUBMITS,
      listJobsLookups: calls['batch:ListJobs'] ?? 0,
      seconds,
      submitJobCalls: calls['batch:SubmitJob'],
      submits: SUBMITS,
    })
  }, 360_000)
})
