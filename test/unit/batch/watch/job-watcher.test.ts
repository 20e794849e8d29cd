import type {JobDetail} from '@aws-sdk/client-batch'

import {exitCodeFor, exitCodeForAll, JobWatcher, type StatusChange} from '../../../../src/batch/watch/job-watcher'
import {RuntimeError} from '../../../../src/errors'
import {awsError, FakeClock, job, T0} from '../logs/logs-fakes'

describe('exitCodeFor: the final state as an exit code (DESIGN.md section 5)', () => {
  const rows: Array<[string, Partial<JobDetail>, number | undefined]> = [
    ['SUCCEEDED', {container: {exitCode: 0}, status: 'SUCCEEDED'}, 0],
    ['FAILED with exit 3', {container: {exitCode: 3}, status: 'FAILED'}, 3],
    ['FAILED with exit 255', {container: {exitCode: 255}, status: 'FAILED'}, 255],
    ['FAILED, terminated while running (SIGTERM)', {container: {exitCode: 143}, status: 'FAILED'}, 143],
    [
      'FAILED, the code only in the last attempt',
      {attempts: [{container: {exitCode: 1}}, {container: {exitCode: 7}}], status: 'FAILED'},
      7,
    ],
    ['FAILED before it ran (cancelled)', {status: 'FAILED', statusReason: 'Cancelled'}, 126],
    ['FAILED with exit 0 (host lost after the container ended)', {container: {exitCode: 0}, status: 'FAILED'}, 126],
    ['FAILED with a code no shell reports', {container: {exitCode: 300}, status: 'FAILED'}, 126],
    ['RUNNING: not finished', {status: 'RUNNING'}, undefined],
    ['RUNNABLE: not finished', {status: 'RUNNABLE'}, undefined],
  ]
  test.each(rows)('%s', (_name, fields, code) => {
    expect(exitCodeFor(job(fields))).toBe(code)
  })

  test('several jobs: 0 when all succeeded, else the first failure in the order given', () => {
    const ok = job({status: 'SUCCEEDED'})
    expect(exitCodeForAll([ok, ok])).toBe(0)
    expect(exitCodeForAll([ok, job({container: {exitCode: 4}, status: 'FAILED'}), job({status: 'FAILED'})])).toBe(4)
    expect(exitCodeForAll([job({status: 'FAILED'}), job({container: {exitCode: 4}, status: 'FAILED'})])).toBe(126)
  })
})

/** A watcher over jobs whose states are a function of the elapsed time. */
function watching(ids: string[], states: (ms: number, id: string) => JobDetail | undefined, options = {}) {
  const clock = new FakeClock()
  const calls: string[][] = []
  const changes: string[] = []
  const diagnoses: string[] = []
  const watcher = new JobWatcher(ids, {
    clock,
    async describe(asked) {
      calls.push([...asked])
      return asked.flatMap((id) => states(clock.now() - T0, id) ?? [])
    },
    diagnose: async (j) => [`stuck: ${j.jobId}`],
    onChange: (c: StatusChange) => changes.push(`${c.at - T0} ${c.job.jobId} ${c.previous ?? '-'} -> ${c.status}`),
    onDiagnosis: (d) => diagnoses.push(`${d.job.jobId} after ${d.runnableForMs}: ${d.findings.join('; ')}`),
    random: () => 0.5,
    ...options,
  })
  return {calls, changes, clock, diagnoses, watcher}
}

describe('JobWatcher', () => {
  test('prints each status change once, polls at most once a second, ends with the job code', async () => {
    const w = watching(['a'], (ms) =>
      job({
        container: {exitCode: ms >= 6000 ? 2 : undefined},
        id: 'a',
        status: ms < 2000 ? 'RUNNABLE' : ms < 3000 ? 'STARTING' : ms < 6000 ? 'RUNNING' : 'FAILED',
      }),
    )
    const outcome = await w.watcher.run()
    expect(w.changes).toEqual([
      '0 a - -> RUNNABLE',
      '2000 a RUNNABLE -> STARTING',
      '3000 a STARTING -> RUNNING',
      '6000 a RUNNING -> FAILED',
    ])
    expect(outcome.end).toBe('finished')
    expect(outcome.exitCode).toBe(2)
    expect(w.calls).toHaveLength(7)
    expect(w.clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000, 1000])
  })

  test('a RUNNABLE job gets one diagnosis once the threshold has passed, and again only after leaving RUNNABLE', async () => {
    const w = watching(
      ['a'],
      (ms) =>
        job({
          id: 'a',
          status: ms < 90_000 ? 'RUNNABLE' : ms < 95_000 ? 'RUNNING' : ms < 200_000 ? 'RUNNABLE' : 'SUCCEEDED',
        }),
      {runnableAfterMs: 60_000},
    )
    await w.watcher.run()
    expect(w.diagnoses).toEqual(['a after 60000: stuck: a', 'a after 60000: stuck: a'])
  })

  test('throttling and 5xx postpone the next poll with jittered backoff; the loop keeps going', async () => {
    const failures = [awsError('TooManyRequestsException', 429), awsError('InternalServerError', 500)]
    const w = watching(['a'], (ms) => job({id: 'a', status: ms < 5000 ? 'RUNNING' : 'SUCCEEDED'}), {
      async describe() {
        const failure = failures.shift()
        if (failure) throw failure
        return [job({id: 'a', status: 'SUCCEEDED'})]
      },
    })
    const outcome = await w.watcher.run()
    expect(outcome.exitCode).toBe(0)
    expect(w.clock.sleeps).toEqual([750, 1500])
  })

  test('an unknown job id is an error once the grace period has passed', async () => {
    const w = watching(['a', 'ghost'], (ms, id) => (id === 'a' ? job({id: 'a', status: 'RUNNING'}) : undefined), {
      graceMs: 3000,
    })
    await expect(w.watcher.run()).rejects.toThrow(
      new RuntimeError('job ghost not found (AWS Batch keeps finished jobs for about 7 days)'),
    )
    expect(w.calls).toHaveLength(4)
  })

  test('a deadline ends the watch with 124, exactly at the deadline', async () => {
    const w = watching(['a'], () => job({id: 'a', status: 'RUNNING'}))
    const outcome = await w.watcher.run({deadline: T0 + 2500})
    expect(outcome).toMatchObject({end: 'timeout', exitCode: 124})
    expect(w.clock.now()).toBe(T0 + 2500)
  })

  test('an aborted watch ends with 130', async () => {
    const controller = new AbortController()
    const w = watching(['a'], (ms) => {
      if (ms >= 2000) controller.abort()
      return job({id: 'a', status: 'RUNNING'})
    })
    expect(await w.watcher.run({signal: controller.signal})).toMatchObject({end: 'aborted', exitCode: 130})
  })

  test('an error that is not transient stops the watch', async () => {
    const w = watching(['a'], () => job({id: 'a'}), {
      async describe() {
        throw awsError('ClientException', 400, 'bad')
      },
    })
    await expect(w.watcher.run()).rejects.toThrow('bad')
  })
})
