import type {JobDetail} from '@aws-sdk/client-batch'

import {followJobs} from '../../../../src/batch/watch/follow-jobs'
import {JobWatcher} from '../../../../src/batch/watch/job-watcher'
import {job, uuid} from '../jobs/jobs-fake'

function fakeClock(): {now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void>} {
  let time = 0
  return {
    now: () => time,
    async sleep(ms) {
      time += ms
    },
  }
}

/** Each DescribeJobs round returns the next picture of the jobs. */
function scripted(rounds: JobDetail[][]): {calls: () => number; describe: () => Promise<JobDetail[]>} {
  let i = 0
  return {
    calls: () => i,
    describe: async () => rounds[Math.min(i++, rounds.length - 1)],
  }
}

describe('followJobs', () => {
  test('polls once a second until all finish, calling onRound after each round; exit code of the first failure', async () => {
    const clock = fakeClock()
    const script = scripted([
      [job(1, 'RUNNING'), job(2, 'RUNNABLE')],
      [job(1, 'SUCCEEDED'), job(2, 'RUNNING')],
      [job(1, 'SUCCEEDED'), job(2, 'FAILED', {container: {exitCode: 3}})],
    ])
    const watcher = new JobWatcher([uuid(1), uuid(2)], {clock, describe: script.describe})
    const rounds: number[] = []
    const outcome = await followJobs(watcher, {
      clock,
      onRound() {
        rounds.push(clock.now())
      },
    })
    expect(outcome.end).toBe('finished')
    expect(outcome.exitCode).toBe(3)
    expect(rounds).toEqual([0, 1000, 2000])
    expect(script.calls()).toBe(3)
  })

  test('the next round waits for an onRound that takes time (a redraw fetching nodes)', async () => {
    const clock = fakeClock()
    const script = scripted([[job(1, 'RUNNING')], [job(1, 'SUCCEEDED')]])
    const watcher = new JobWatcher([uuid(1)], {clock, describe: script.describe})
    const seen: Array<[number, number]> = []
    const outcome = await followJobs(watcher, {
      clock,
      async onRound() {
        seen.push([clock.now(), script.calls()])
        await clock.sleep(1500)
        seen.push([clock.now(), script.calls()])
      },
    })
    expect(outcome.end).toBe('finished')
    expect(seen).toEqual([
      [0, 1],
      [1500, 1],
      [1500, 2],
      [3000, 2],
    ])
  })

  test('a deadline ends with 124, the jobs still running', async () => {
    const clock = fakeClock()
    const watcher = new JobWatcher([uuid(1)], {clock, describe: scripted([[job(1, 'RUNNING')]]).describe})
    const outcome = await followJobs(watcher, {clock, deadline: 2500})
    expect([outcome.end, outcome.exitCode, clock.now()]).toEqual(['timeout', 124, 2500])
  })

  test('an aborted signal ends with 130', async () => {
    const clock = fakeClock()
    const controller = new AbortController()
    const watcher = new JobWatcher([uuid(1)], {clock, describe: scripted([[job(1, 'RUNNING')]]).describe})
    const outcome = await followJobs(watcher, {clock, onRound: () => controller.abort(), signal: controller.signal})
    expect([outcome.end, outcome.exitCode]).toEqual(['aborted', 130])
  })
})
