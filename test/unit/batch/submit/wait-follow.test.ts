import type {BatchApi, Clients} from '../../../../src/batch/clients'
import type {LogEvent} from '../../../../src/batch/logs/reader'

import {waitForSubmitted} from '../../../../src/batch/submit/service'
import {awsError, FakeLogs, withAttempts} from '../logs/logs-fakes'

const GROUP = '/aws/batch/job'

describe('waitForSubmitted with follow', () => {
  test('a GetLogEvents that fails for now is tried again, and the retry is reported to onLogsRetry', async () => {
    const logs = new FakeLogs()
    logs.append(GROUP, 'stream-1', ['one', 'two'])
    logs.ended.add(`${GROUP}|stream-1`)
    logs.failures.push(awsError('ServiceUnavailableException', 503))
    const finished = withAttempts('SUCCEEDED', ['stream-1'], {container: {exitCode: 0, logStreamName: 'stream-1'}})
    const batch = {describeJobs: async () => ({$metadata: {}, jobs: [finished]})} as unknown as BatchApi
    const retries: Array<[string, number]> = []
    const printed: LogEvent[] = []

    const outcome = await waitForSubmitted(
      {batch, logs} as unknown as Clients,
      {
        follow: true,
        graceMs: 0,
        jobId: 'job-1',
        onLogsRetry: (error, delay) => retries.push([(error as Error).name, delay]),
      },
      {},
      (events) => {
        printed.push(...events)
      },
    )

    expect(outcome.exitCode).toBe(0)
    expect(printed.map((event) => event.message)).toEqual(['one', 'two'])
    expect(retries).toHaveLength(1)
    expect(retries[0][0]).toBe('ServiceUnavailableException')
    expect(retries[0][1]).toBeGreaterThan(0)
  })
})
