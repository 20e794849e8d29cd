/** TerminateJobs and CancelJobs in the emulator: each job as TerminateJob / CancelJob would, answered per job. */
import {ApiError} from '../../../../src/emulator/contract'
import {describeMany, harness, register} from './support'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'

async function submit(h: Awaited<ReturnType<typeof harness>>): Promise<string> {
  return (await h.call('SubmitJob', {jobDefinition: 'jd', jobName: 'j', jobQueue: 'local'})).jobId
}

describe('TerminateJobs and CancelJobs', () => {
  test('TerminateJobs: running and queued jobs fail with the reason; an unknown id counts as successful', async () => {
    const h = await harness()
    await register(h)
    const running = await submit(h)
    h.ticks(3)
    const queued = await submit(h)
    expect(await h.call('TerminateJobs', {jobs: [running, queued, UNKNOWN], reason: 'bulk'})).toEqual({
      errors: [],
      successful: [running, queued, UNKNOWN],
    })
    expect(h.runner.of(running).signals).toEqual(['SIGTERM'])
    h.runner.of(running).exit({exitCode: 143})
    const jobs = await describeMany(h, [running, queued])
    expect(jobs.map((j) => [j.status, j.statusReason, j.isTerminated])).toEqual([
      ['FAILED', 'bulk', true],
      ['FAILED', 'bulk', true],
    ])
    await h.service.stop!()
  })

  test('CancelJobs: fails the jobs not yet started, leaves started ones running', async () => {
    const h = await harness()
    await register(h)
    const started = await submit(h)
    h.ticks(2)
    const waiting = await submit(h)
    h.ticks(1)
    expect(await h.call('CancelJobs', {jobs: [started, waiting], reason: 'no'})).toEqual({
      errors: [],
      successful: [started, waiting],
    })
    const [s, w] = await describeMany(h, [started, waiting])
    expect([s.status, w.status, w.statusReason, w.isCancelled]).toEqual(['RUNNING', 'FAILED', 'no', true])
    await h.service.stop!()
  })

  test('more than 50 ids, none, or a reason over 1,024 characters: ClientException', async () => {
    const h = await harness()
    const ids = Array.from({length: 51}, () => UNKNOWN)
    const refused = async (input: Record<string, unknown>): Promise<string> => {
      const answer = (await h.call('TerminateJobs', input)) as unknown
      return answer instanceof ApiError ? `${answer.code}: ${answer.message}` : 'accepted'
    }

    expect(await refused({jobs: ids, reason: 'r'})).toBe(
      'ClientException: jobs must hold between 1 and 50 job IDs; got 51',
    )
    expect(await refused({jobs: [], reason: 'r'})).toBe(
      'ClientException: jobs must hold between 1 and 50 job IDs; got 0',
    )
    expect(await refused({jobs: [UNKNOWN], reason: 'x'.repeat(1025)})).toBe(
      'ClientException: reason must be at most 1024 characters; got 1025',
    )
    expect(await refused({jobs: ids.slice(0, 50), reason: 'x'.repeat(1024)})).toBe('accepted')
    await h.service.stop!()
  })
})
