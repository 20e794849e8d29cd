/** GetJobQueueSnapshot in the emulator: the RUNNABLE jobs in the order the engine dispatches them, the first 100. */
import {ApiError} from '../../../../src/emulator/contract'
import {harness, register} from './support'

interface Snapshot {
  frontOfQueue: {jobs: Array<{jobArn: string}>; lastUpdatedAt: number}
  queueUtilization: {lastUpdatedAt: number; totalCapacityUsage: Array<{capacityUnit: string; quantity: number}>}
}

const arn = (id: string) => `arn:aws:batch:us-east-1:000000000000:job/${id}`

describe('GetJobQueueSnapshot', () => {
  test('the RUNNABLE jobs oldest first, as they will be placed; the vCPUs in use', async () => {
    const h = await harness({capacity: {memoryMiB: 8192, vcpus: 1}})
    await register(h)
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      // eslint-disable-next-line no-await-in-loop -- submission order is the point
      ids.push((await h.call('SubmitJob', {jobDefinition: 'jd', jobName: `j${i}`, jobQueue: 'local'})).jobId)
    }

    h.ticks(3)
    const snapshot = (await h.call('GetJobQueueSnapshot', {jobQueue: 'local'})) as Snapshot
    expect(snapshot).toEqual({
      frontOfQueue: {jobs: ids.slice(1).map((id) => ({jobArn: arn(id)})), lastUpdatedAt: h.clock.t},
      queueUtilization: {lastUpdatedAt: h.clock.t, totalCapacityUsage: [{capacityUnit: 'VCPU', quantity: 1}]},
    })
    // The first leaves, the next is placed: the line moves up by one.
    h.runner.of(ids[0]).exit({exitCode: 0})
    h.ticks(2)
    const after = (await h.call('GetJobQueueSnapshot', {jobQueue: 'local'})) as Snapshot
    expect(after.frontOfQueue.jobs).toEqual(ids.slice(2).map((id) => ({jobArn: arn(id)})))
    await h.service.stop!()
  })

  test('only the first 100; an unknown queue is a ClientException', async () => {
    const h = await harness({capacity: {memoryMiB: 8192, vcpus: 1}})
    await register(h, 'big', {
      containerProperties: {
        command: ['true'],
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '512'},
        ],
      },
    })
    await Promise.all(
      Array.from({length: 105}, (_, i) =>
        h.call('SubmitJob', {jobDefinition: 'big', jobName: `j${i}`, jobQueue: 'local'}),
      ),
    )
    h.ticks(2)
    const snapshot = (await h.call('GetJobQueueSnapshot', {jobQueue: 'local'})) as Snapshot
    expect(snapshot.frontOfQueue.jobs).toHaveLength(100)
    await expect(h.call('GetJobQueueSnapshot', {jobQueue: 'nope'})).rejects.toEqual(
      new ApiError('ClientException', 'JobQueue nope not found.'),
    )
    await h.service.stop!()
  })
})
