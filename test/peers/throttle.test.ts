/**
 * Under `--throttle-rps 5` the emulator answers the excess with HTTP 429 TooManyRequestsException; the AWS CLI's
 * own retry logic (botocore classifies that code as throttling) must get every call through.
 */
import {aws, requireAwsCli} from './helpers/aws-cli'
import {PeerEmulator, startPeerEmulator} from './helpers/emulator'

let emulator: PeerEmulator

describe('the emulator under --throttle-rps 5', () => {
  beforeAll(async () => {
    requireAwsCli()
    emulator = await startPeerEmulator(['--throttle-rps', '5'])
  })

  afterAll(async () => {
    await emulator?.close()
  })

  test('20 describe-job-queues in parallel all succeed through the CLI retries', async () => {
    // --page-size 1 makes each CLI run fetch the two queues in two back-to-back requests, so the burst is well over
    // 5 a second even on a slow machine where 20 CLI start-ups spread over several seconds. The attempts are raised
    // from the CLI's default of 3: with 40 requests at 5 a second, the last ones need more than two retries.
    const env = {AWS_MAX_ATTEMPTS: '10', AWS_RETRY_MODE: 'standard'}
    const args = ['--debug', 'batch', 'describe-job-queues', '--page-size', '1']
    const runs = await Promise.all(Array.from({length: 20}, () => aws(emulator.url, args, {env, timeoutMs: 110_000})))
    const outcomes = runs.map((run) => {
      const names =
        run.code === 0 ? (JSON.parse(run.stdout) as {jobQueues: Array<{jobQueueName: string}>}).jobQueues : []
      return [run.code, names.map((q) => q.jobQueueName).sort(), run.code === 0 ? '' : lastLine(run.stderr)]
    })
    expect(outcomes).toEqual(runs.map(() => [0, ['local', 'local-fargate'], '']))
    // The test proves something only if the emulator did throttle and the CLI did retry.
    const throttled = runs.filter(
      (run) => /TooManyRequestsException/.test(run.stderr) && /Retry needed/.test(run.stderr),
    )
    expect(throttled.length).toBeGreaterThan(0)
  })
})

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? ''
}
