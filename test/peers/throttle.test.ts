/**
 * Under `--throttle-rps 5` the emulator answers the excess with HTTP 429 TooManyRequestsException; the AWS CLI's
 * own retry logic (botocore classifies that code as throttling) must get every call through.
 */

import {removeStateDir, startEmulator, TestEmulator} from '../helpers/emulator'
import {aws, requireAwsCli} from './helpers/aws-cli'
import {registerPeerEmulator} from './helpers/credentials'

let emulator: TestEmulator

describe('the emulator under --throttle-rps 5', () => {
  beforeAll(async () => {
    requireAwsCli()
    emulator = await startEmulator({args: ['--throttle-rps', '5']})
    registerPeerEmulator(emulator)
  })

  afterAll(async () => {
    await emulator?.stop()
    if (emulator) removeStateDir(emulator.stateDir)
  })

  test('20 describe-job-queues in parallel all succeed through the CLI retries', async () => {
    // --page-size 1 makes each CLI run fetch the two queues in two back-to-back requests, so the burst is well over
    // 5 a second even where 20 CLI start-ups spread over several seconds (two cores: about 20 s). The attempts are
    // raised from the CLI's default of 3 (measured here: with 3, about a third of the runs give up after their
    // second retry, which is the client's choice, not a fault of the server).
    const env = {AWS_MAX_ATTEMPTS: '10', AWS_RETRY_MODE: 'standard'}
    const args = ['batch', 'describe-job-queues', '--page-size', '1']
    const runs = await Promise.all(Array.from({length: 20}, () => aws(emulator.url, args, {env, timeoutMs: 110_000})))
    const outcomes = runs.map((run) => {
      if (run.code !== 0) return [run.code, run.stderr.trim()]
      const {jobQueues} = JSON.parse(run.stdout) as {jobQueues: Array<{jobQueueName: string}>}
      return [run.code, jobQueues.map((q) => q.jobQueueName).sort()]
    })
    expect(outcomes).toEqual(runs.map(() => [0, ['local', 'local-fargate']]))
    // The test proves something only if the emulator did throttle, so the CLI did retry.
    expect((await emulator.faults()).throttled).toBeGreaterThan(0)
  })
})
