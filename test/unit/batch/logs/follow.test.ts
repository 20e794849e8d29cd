import type {JobDetail} from '@aws-sdk/client-batch'

import type {LogEvent} from '../../../../src/batch/logs/reader'

import {type LogsRequest, readJobLogs} from '../../../../src/batch/logs/job-logs'
import {JobWatcher} from '../../../../src/batch/watch/job-watcher'
import {RuntimeError} from '../../../../src/errors'
import {awsError, FakeClock, FakeLogs, job, T0, withAttempts} from './logs-fakes'

const G = '/aws/batch/job'

/**
 * A job whose life is a script over time: `states(ms since start)` says what DescribeJobs returns, `world(ms)` may
 * append log lines. Everything printed is collected.
 */
function scenario(states: (ms: number) => JobDetail, world: (ms: number, logs: FakeLogs) => void = () => {}) {
  const clock = new FakeClock()
  const logs = new FakeLogs()
  let describes = 0
  const statuses: string[] = []
  const watcher = new JobWatcher(['job-1'], {
    clock,
    async describe() {
      describes++
      return [states(clock.now() - T0)]
    },
    onChange: (change) => statuses.push(change.status),
  })
  clock.onSleep = (now) => world(now - T0, logs)
  world(0, logs)
  const printed: LogEvent[] = []
  const run = (request: Partial<LogsRequest> = {}, deadline?: number, graceMs?: number) =>
    readJobLogs({follow: true, jobId: 'job-1', ...request}, {clock, deadline, graceMs, logs, watcher}, (events) => {
      printed.push(...events)
    })
  return {clock, describes: () => describes, logs, printed, run, statuses, text: () => printed.map((e) => e.message)}
}

/** A job already on its second attempt when first described. */
function retriedOnce(ms: number): JobDetail {
  return ms < 2000 ? withAttempts('RUNNING', ['a1', 'a2']) : withAttempts('SUCCEEDED', ['a1', 'a2'])
}

describe('following a job', () => {
  test('waits for the stream, prints every line once as it comes, drains after the end, exits with the job code', async () => {
    // RUNNABLE for 3 s; RUNNING with no stream yet for 1 s; then a line every 100 ms for 5 s; FAILED with exit 3,
    // and a last line written in the same moment the job ended.
    let written = 0
    const s = scenario(
      (ms) =>
        ms < 3000
          ? job({status: 'RUNNABLE'})
          : ms < 9000
            ? withAttempts('RUNNING', ['s1'])
            : withAttempts('FAILED', ['s1'], {attempts: [{container: {exitCode: 3, logStreamName: 's1'}}]}),
      (ms, logs) => {
        const due = ms >= 4000 ? Math.min(50, Math.floor((ms - 4000) / 100) + 1) : 0
        for (; written < due; written++) logs.append(G, 's1', [`line ${written}`], T0 + ms)

        if (ms >= 9000 && written === 50) logs.append(G, 's1', [`last ${written++}`], T0 + ms)
      },
    )
    const outcome = await s.run()
    expect(outcome.exitCode).toBe(3)
    expect(outcome.end).toBe('finished')
    expect(outcome.note).toBeUndefined()
    expect(s.text()).toEqual([...Array.from({length: 50}, (_, i) => `line ${i}`), 'last 50'])
    expect(s.statuses).toEqual(['RUNNABLE', 'RUNNING', 'FAILED'])
    // One DescribeJobs a second at most, over about 9 s.
    expect(s.describes()).toBeLessThanOrEqual(11)
    // Idle, the tailer backs off to a read every 2 s; never sleeps less than the fast interval.
    expect(Math.max(...s.clock.sleeps)).toBeLessThanOrEqual(2000)
    expect(Math.min(...s.clock.sleeps)).toBeGreaterThanOrEqual(250)
  })

  test('idle polling costs under one call a second in all: a read every 2 s, DescribeJobs every 4 s', async () => {
    const s = scenario((ms) => (ms < 60_000 ? withAttempts('RUNNING', ['s1']) : withAttempts('SUCCEEDED', ['s1'])))
    s.logs.append(G, 's1', ['hello'])
    const outcome = await s.run()
    expect(outcome.exitCode).toBe(0)
    expect(s.text()).toEqual(['hello'])
    // 60 s idle: about 30 reads and 15 descriptions, plus the ramp from 250 ms, the first page and the final drain.
    expect(s.logs.calls.length).toBeGreaterThanOrEqual(28)
    expect(s.logs.calls.length).toBeLessThanOrEqual(36)
    expect(s.describes()).toBeGreaterThanOrEqual(14)
    expect(s.describes()).toBeLessThanOrEqual(20)
    expect(s.logs.calls.length + s.describes()).toBeLessThanOrEqual(55)
  })

  test('on a retry, finishes the first attempt stream and moves on to the next', async () => {
    let sent = 0
    const s = scenario(
      (ms) =>
        // Between attempts the job is RUNNABLE for 5 s: longer than a quiet follower's DescribeJobs interval (4 s).
        ms < 2000
          ? withAttempts('RUNNING', ['a1'])
          : ms < 7000
            ? withAttempts('RUNNABLE', ['a1'])
            : ms < 9000
              ? withAttempts('RUNNING', ['a1', 'a2'])
              : withAttempts('SUCCEEDED', ['a1', 'a2']),
      (ms, logs) => {
        const due = [
          [0, 'a1', 'one'],
          // Attempt 1's last line lands only when attempt 2 has already started: it must still be read, first.
          [7000, 'a1', 'two (written late)'],
          [7000, 'a2', 'three'],
        ] as const
        for (const [at, stream, line] of due.slice(sent)) {
          if (ms < at) break
          logs.append(G, stream, [line])
          sent++
        }
      },
    )
    const outcome = await s.run()
    expect(s.text()).toEqual(['one', 'two (written late)', 'three'])
    expect(s.printed.map((e) => e.stream)).toEqual(['a1', 'a1', 'a2'])
    expect(s.statuses).toEqual(['RUNNING', 'RUNNABLE', 'RUNNING', 'SUCCEEDED'])
    expect(outcome.exitCode).toBe(0)
  })

  test('a job first seen on its second attempt: from the latest by default, from attempt 1 when asked', async () => {
    const latest = scenario(retriedOnce)
    const first = scenario(retriedOnce)
    for (const s of [latest, first]) {
      s.logs.append(G, 'a1', ['from attempt 1'])
      s.logs.append(G, 'a2', ['from attempt 2'])
    }

    await latest.run()
    await first.run({from: 1})
    expect(latest.text()).toEqual(['from attempt 2'])
    expect(first.text()).toEqual(['from attempt 1', 'from attempt 2'])
  })

  test('--attempt 1 follows that attempt only and stops when it has ended', async () => {
    const retried = withAttempts('RUNNING', ['a1', 'a2'], {attempts: [{container: {exitCode: 9, logStreamName: 'a1'}}]})
    const s = scenario((ms) => (ms < 3000 ? withAttempts('RUNNING', ['a1']) : retried))
    s.logs.append(G, 'a1', ['first'])
    s.logs.append(G, 'a2', ['second'])
    const outcome = await s.run({attempt: 1})
    expect(s.text()).toEqual(['first'])
    expect(outcome.end).toBe('finished')
    // The job runs on: the exit code is attempt 1's.
    expect(outcome.exitCode).toBe(9)
  })

  test('a job that ends before it ever started: no stream, exit 126, a note that says why', async () => {
    const s = scenario((ms) =>
      ms < 2000 ? job({status: 'RUNNABLE'}) : job({status: 'FAILED', statusReason: 'Terminated by mfbatch'}),
    )
    const outcome = await s.run()
    expect(outcome.exitCode).toBe(126)
    expect(s.printed).toEqual([])
    expect(outcome.note).toBe('job job-1 is FAILED (Terminated by mfbatch) and never started, so it has no logs')
  })

  test('--wait-timeout ends following with 124 while the job runs on', async () => {
    const s = scenario(() => withAttempts('RUNNING', ['s1']))
    s.logs.append(G, 's1', ['x'])
    const outcome = await s.run({}, T0 + 30_000)
    expect(outcome).toMatchObject({end: 'timeout', exitCode: 124})
    expect(s.clock.now()).toBe(T0 + 30_000)
    expect(s.text()).toEqual(['x'])
  })

  test('keeps going through throttling of GetLogEvents', async () => {
    const s = scenario((ms) => (ms < 5000 ? withAttempts('RUNNING', ['s1']) : withAttempts('SUCCEEDED', ['s1'])))
    s.logs.append(G, 's1', ['a', 'b'])
    s.logs.failures.push(awsError('ThrottlingException', 400), awsError('ThrottlingException', 400))
    const outcome = await s.run()
    expect(s.text()).toEqual(['a', 'b'])
    expect(outcome.exitCode).toBe(0)
  })
})

describe('reading once', () => {
  test('an array parent has no logs: the error names its children', async () => {
    const s = scenario(() => job({arrayProperties: {size: 3}, status: 'RUNNING'}))
    await expect(s.run({follow: false})).rejects.toThrow(
      new RuntimeError(
        "job job-1 is an array job of 3 children and has no logs of its own; read a child's with job-1:0 to job-1:2",
      ),
    )
  })

  test('a job not started yet: nothing printed, a note', async () => {
    const s = scenario(() => job({status: 'RUNNABLE', statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT'}))
    const outcome = await s.run({follow: false})
    expect(outcome).toMatchObject({
      exitCode: 0,
      note: 'job job-1 is RUNNABLE (MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT): attempt 1 has not started, so there are no logs yet',
    })
  })

  test('--attempt beyond what the finished job ran is an error', async () => {
    const s = scenario(() => withAttempts('SUCCEEDED', ['a1', 'a2']))
    await expect(s.run({attempt: 3, follow: false})).rejects.toThrow(
      'job job-1 ran 2 attempts; --attempt 3 does not exist',
    )
  })

  test('--attempt 1 of a retried job reads the first attempt stream; the default is the latest', async () => {
    const s = scenario(() => withAttempts('SUCCEEDED', ['a1', 'a2']))
    s.logs.append(G, 'a1', ['from attempt 1'])
    s.logs.append(G, 'a2', ['from attempt 2'])
    await s.run({attempt: 1, follow: false})
    await s.run({follow: false})
    expect(s.text()).toEqual(['from attempt 1', 'from attempt 2'])
  })

  test('the log group comes from the awslogs-group option', async () => {
    const s = scenario(() =>
      job({
        container: {logConfiguration: {logDriver: 'awslogs', options: {'awslogs-group': '/mine'}}, logStreamName: 's'},
        status: 'SUCCEEDED',
      }),
    )
    s.logs.append('/mine', 's', ['custom group'])
    await s.run({follow: false, tail: 5})
    expect(s.text()).toEqual(['custom group'])
  })
})

describe('the grace period after the job has finished', () => {
  test('lines CloudWatch delivers late still appear; each one starts the quiet period again', async () => {
    // SUCCEEDED at 2 s; its last lines become readable at 3.5 s and 5 s, after the job is seen finished.
    const late: Array<[number, string]> = [
      [3500, 'late 1'],
      [5000, 'late 2'],
    ]
    const s = scenario(
      (ms) => withAttempts(ms < 2000 ? 'RUNNING' : 'SUCCEEDED', ['s1']),
      (ms, logs) => {
        while (late.length > 0 && ms >= late[0][0]) logs.append(G, 's1', [late.shift()![1]], T0 + ms)
      },
    )
    s.logs.append(G, 's1', ['early'])
    const outcome = await s.run({}, undefined, 3000)
    expect(outcome).toMatchObject({end: 'finished', exitCode: 0})
    expect(s.text()).toEqual(['early', 'late 1', 'late 2'])
    // Seen finished at about 2 s; quiet after the last line at 5 s for 3 s more.
    const ended = s.clock.now() - T0
    expect(ended).toBeGreaterThanOrEqual(8000)
    expect(ended).toBeLessThanOrEqual(8600)
  })

  test('nothing late: following ends once the grace has passed since the last line, with no DescribeJobs during it', async () => {
    const s = scenario((ms) =>
      withAttempts(ms < 1000 ? 'RUNNING' : 'FAILED', ['s1'], {container: {exitCode: 2}, stoppedAt: T0 + 500}),
    )
    s.logs.append(G, 's1', ['only'], T0)
    const outcome = await s.run({}, undefined, 3000)
    expect(outcome.exitCode).toBe(2)
    expect(s.text()).toEqual(['only'])
    const describes = s.describes()
    const ended = s.clock.now() - T0
    // Seen FAILED at about 1 s; quiet since it stopped (0.5 s, after its line), so 3 s of grace end at 3.5 s.
    expect(ended).toBeGreaterThanOrEqual(3500)
    expect(ended).toBeLessThanOrEqual(4000)
    expect(describes).toBeLessThanOrEqual(3)
  })

  test('a job seen finished long after it stopped: its grace has passed already, following ends at once', async () => {
    const s = scenario(() => withAttempts('SUCCEEDED', ['s1'], {startedAt: T0 - 20_000, stoppedAt: T0 - 10_000}))
    s.logs.append(G, 's1', ['done'], T0 - 10_000)
    await s.run({}, undefined, 3000)
    expect(s.text()).toEqual(['done'])
    expect(s.clock.now() - T0).toBeLessThan(300)
  })

  test('a stream the endpoint says is complete needs no grace: following ends on the read that caught up', async () => {
    const s = scenario((ms) => withAttempts(ms < 1000 ? 'RUNNING' : 'SUCCEEDED', ['s1'], {stoppedAt: T0 + 900}))
    s.logs.append(G, 's1', ['all'], T0 + 800)
    s.logs.ended.add(`${G}|s1`)
    await s.run({}, undefined, 3000)
    expect(s.text()).toEqual(['all'])
    expect(s.clock.now() - T0).toBeLessThan(1300)
  })

  test('a grace of 0 ends on the first read after the end, as before', async () => {
    const s = scenario((ms) => withAttempts(ms < 1000 ? 'RUNNING' : 'SUCCEEDED', ['s1']))
    await s.run({}, undefined, 0)
    expect(s.clock.now() - T0).toBeLessThan(1600)
  })
})
