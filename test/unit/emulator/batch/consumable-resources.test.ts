/** Consumable resources in the emulator: the counts, and jobs held RUNNABLE until their share is free. */
import {ApiError} from '../../../../src/emulator/contract'
import {describe1, harness, register} from './support'

interface Described {
  availableQuantity: number
  inUseQuantity: number
  resourceType: string
  totalQuantity: number
}

const WAITING = 'CONSUMABLE_RESOURCE: waiting for 1 of consumable resource licence (0 available) (emulator wording)'

describe('consumable resources', () => {
  test('two licences: two jobs run, the third waits RUNNABLE with the reason until one ends', async () => {
    const h = await harness({capacity: {memoryMiB: 8192, vcpus: 8}})
    await register(h)
    expect(await h.call('CreateConsumableResource', {consumableResourceName: 'licence', totalQuantity: 2})).toEqual({
      consumableResourceArn: 'arn:aws:batch:us-east-1:000000000000:consumable-resource/licence',
      consumableResourceName: 'licence',
    })
    const needs = {
      consumableResourcePropertiesOverride: {consumableResourceList: [{consumableResource: 'licence', quantity: 1}]},
    }
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      // eslint-disable-next-line no-await-in-loop -- in order
      ids.push((await h.call('SubmitJob', {jobDefinition: 'jd', jobName: `j${i}`, jobQueue: 'local', ...needs})).jobId)
    }

    h.ticks(3)
    const statuses = async () => Promise.all(ids.map(async (id) => (await describe1(h, id)).status))
    expect(await statuses()).toEqual(['RUNNING', 'RUNNING', 'RUNNABLE'])
    expect((await describe1(h, ids[2])).statusReason).toBe(WAITING)
    const counts = (await h.call('DescribeConsumableResource', {consumableResource: 'licence'})) as Described
    expect([counts.totalQuantity, counts.inUseQuantity, counts.availableQuantity]).toEqual([2, 2, 0])
    h.runner.of(ids[0]).exit({exitCode: 0})
    h.ticks(3)
    expect(await statuses()).toEqual(['SUCCEEDED', 'RUNNING', 'RUNNING'])
    const job = (await h.call('DescribeJobs', {jobs: [ids[2]]})) as unknown as {
      jobs: Array<{consumableResourceProperties: unknown}>
    }
    expect(job.jobs[0].consumableResourceProperties).toEqual({
      consumableResourceList: [{consumableResource: 'licence', quantity: 1}],
    })
    await h.service.stop!()
  })

  test('NON_REPLENISHABLE: the share is used up when the job starts; Update, List and Delete', async () => {
    const h = await harness()
    await register(h)
    await h.call('CreateConsumableResource', {
      consumableResourceName: 'tokens',
      resourceType: 'NON_REPLENISHABLE',
      totalQuantity: 5,
    })
    const list = [{consumableResource: 'arn:aws:batch:us-east-1:000000000000:consumable-resource/tokens', quantity: 3}]
    const {jobId} = await h.call('SubmitJob', {
      consumableResourcePropertiesOverride: {consumableResourceList: list},
      jobDefinition: 'jd',
      jobName: 'j',
      jobQueue: 'local',
    })
    h.ticks(3)
    h.runner.of(jobId).exit({exitCode: 0})
    h.ticks(1)
    const after = (await h.call('DescribeConsumableResource', {consumableResource: 'tokens'})) as Described
    expect([after.totalQuantity, after.availableQuantity]).toEqual([2, 2])
    expect(
      await h.call('UpdateConsumableResource', {consumableResource: 'tokens', operation: 'ADD', quantity: 4}),
    ).toEqual({
      consumableResourceArn: 'arn:aws:batch:us-east-1:000000000000:consumable-resource/tokens',
      consumableResourceName: 'tokens',
      totalQuantity: 6,
    })
    expect(await h.call('ListConsumableResources', {})).toEqual({
      consumableResources: [
        {
          consumableResourceArn: 'arn:aws:batch:us-east-1:000000000000:consumable-resource/tokens',
          consumableResourceName: 'tokens',
          inUseQuantity: 0,
          resourceType: 'NON_REPLENISHABLE',
          totalQuantity: 6,
        },
      ],
    })
    await h.call('DeleteConsumableResource', {consumableResource: 'tokens'})
    await expect(h.call('DescribeConsumableResource', {consumableResource: 'tokens'})).rejects.toEqual(
      new ApiError('ClientException', 'Consumable resource tokens not found.'),
    )
    await h.service.stop!()
  })

  test('a submit naming an unknown resource is refused; the counts survive a restart', async () => {
    const h = await harness()
    await register(h)
    await expect(
      h.call('SubmitJob', {
        consumableResourcePropertiesOverride: {consumableResourceList: [{consumableResource: 'nope', quantity: 1}]},
        jobDefinition: 'jd',
        jobName: 'j',
        jobQueue: 'local',
      }),
    ).rejects.toEqual(new ApiError('ClientException', 'Consumable resource nope not found.'))
    await h.call('CreateConsumableResource', {consumableResourceName: 'kept', totalQuantity: 7})
    await h.service.stop!()
    const again = await harness({dir: h.dir})
    const kept = (await again.call('DescribeConsumableResource', {consumableResource: 'kept'})) as Described
    expect(kept.totalQuantity).toBe(7)
    await again.service.stop!()
  })
})
