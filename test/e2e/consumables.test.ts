/**
 * `submit --consumable NAME=N` against the emulator: the resource made with AWS's own client, jobs holding its
 * units while they run, the next one RUNNABLE with the reason until a unit is free, the counts as Batch reports them.
 */
import {
  type BatchClient,
  CreateConsumableResourceCommand,
  DescribeConsumableResourceCommand,
} from '@aws-sdk/client-batch'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'
import {batchClient, describeAll, waitUntil} from './jobs-fixture'

let emulator: TestEmulator
let batch: BatchClient

const WAITING = 'CONSUMABLE_RESOURCE: waiting for 1 of consumable resource licence (0 available) (emulator wording)'
const submit = (args: string[]) =>
  runCli(['submit', '--queue', 'local', '--quiet', ...args], {env: emulator.env, timeoutMs: 60_000})
const counts = async () => {
  const out = await batch.send(new DescribeConsumableResourceCommand({consumableResource: 'licence'}))
  return [out.totalQuantity, out.inUseQuantity, out.availableQuantity]
}

beforeAll(async () => {
  emulator = await startEmulator({args: ['--vcpus', '4']})
  batch = batchClient(emulator)
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
})

describe('--consumable', () => {
  test('--dry-run: consumableResourcePropertiesOverride', async () => {
    const dry = await submit(['--dry-run', '--consumable', 'licence=2', '--consumable', 'tokens=1', '--', 'true'])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout).submitJob.consumableResourcePropertiesOverride).toEqual({
      consumableResourceList: [
        {consumableResource: 'licence', quantity: 2},
        {consumableResource: 'tokens', quantity: 1},
      ],
    })
  })

  test('one licence: the second job waits RUNNABLE with the reason until the first is killed', async () => {
    await batch.send(new CreateConsumableResourceCommand({consumableResourceName: 'licence', totalQuantity: 1}))
    const first = (await submit(['--consumable', 'licence=1', '--', 'sleep', '300'])).stdout.trim()
    await waitUntil(batch, [first], (status) => status === 'RUNNING')
    const second = (await submit(['--consumable', 'licence=1', '--', 'true'])).stdout.trim()
    await waitUntil(batch, [second], (status) => status === 'RUNNABLE')
    // The scheduler gives the reason on its next pass.
    for (;;) {
      // eslint-disable-next-line no-await-in-loop
      const [job] = await describeAll(batch, [second])
      if (job.statusReason) break
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => {
        setTimeout(resolve, 100)
      })
    }

    const status = await runCli(['status', second], {env: emulator.env})
    expect(status.stdout).toContain(`Status\tRUNNABLE\nReason\t${WAITING}\n`)
    expect(await counts()).toEqual([1, 1, 0])
    expect((await runCli(['kill', first], {env: emulator.env})).code).toBe(0)
    const [done] = await waitUntil(batch, [second], (s) => s === 'SUCCEEDED' || s === 'FAILED')
    expect(done.status).toBe('SUCCEEDED')
    expect(await counts()).toEqual([1, 0, 1])
  }, 60_000)

  test('bad input: one line naming the flag, exit 2, no call', async () => {
    await emulator.resetStats()
    expect(await submit(['--consumable', 'licence', '--', 'true'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: --consumable: "licence" is not allowed; use NAME=N: a consumable resource name or ARN and a whole number of at least 1, such as licence=2\n',
      stdout: '',
    })
    expect(await emulator.stats()).toEqual({})
  })
})
