/** What survives a restart of the service on the same state dir, and what a lost host does to running jobs. */
import * as fs from 'node:fs'
import path from 'node:path'

import {describe1, harness, register} from './support'

describe('restart and persistence', () => {
  test('finished and queued jobs, definitions, queues and tags survive; running ones come back FAILED, host lost', async () => {
    const first = await harness({capacity: {memoryMiB: 8192, vcpus: 1}})
    await register(first)
    await first.call('CreateJobQueue', {
      computeEnvironmentOrder: [{computeEnvironment: 'local-ec2', order: 1}],
      jobQueueName: 'extra',
      priority: 5,
    })
    await first.call('TagResource', {
      resourceArn: 'arn:aws:batch:us-east-1:000000000000:job-queue/extra',
      tags: {k: 'v'},
    })
    const submit = async (name: string) =>
      (await first.call('SubmitJob', {jobDefinition: 'jd', jobName: name, jobQueue: 'local'})).jobId
    const done = await submit('done')
    first.ticks(3)
    first.runner.of(done).exit({exitCode: 0})
    const running = await submit('running')
    const queued = await submit('queued')
    first.ticks(3)
    expect((await first.call('DescribeJobs', {jobs: [done, running, queued]})).jobs.map((j) => j.status)).toEqual([
      'SUCCEEDED',
      'RUNNING',
      'RUNNABLE',
    ])
    const before = await describe1(first, done)
    await first.service.stop!()

    const second = await harness({capacity: {memoryMiB: 8192, vcpus: 1}, dir: first.dir})
    expect(await describe1(second, done)).toEqual(before)
    const lost = await describe1(second, running)
    expect([lost.status, lost.statusReason, lost.container.exitCode, lost.attempts[0].statusReason]).toEqual([
      'FAILED',
      expect.stringMatching(/^Host EC2 \(instance i-[\da-f]{17}\) terminated\.$/),
      undefined,
      lost.statusReason,
    ])
    second.ticks(2)
    expect((await describe1(second, queued)).status).toBe('RUNNING')
    expect((await second.call('DescribeJobDefinitions', {jobDefinitionName: 'jd'})).jobDefinitions.length).toBe(1)
    expect(
      await second.call('ListTagsForResource', {resourceArn: 'arn:aws:batch:us-east-1:000000000000:job-queue/extra'}),
    ).toEqual({tags: {k: 'v'}})
    // No second set of default environments.
    expect((await second.call('DescribeJobQueues', {})).jobQueues.map((q) => q.jobQueueName)).toEqual([
      'local',
      'local-fargate',
      'extra',
    ])
    await second.service.stop!()
  })

  test('a retry strategy that matches the host-lost reason starts a new attempt after the restart', async () => {
    const first = await harness()
    await register(first)
    const {jobId} = await first.call('SubmitJob', {
      jobDefinition: 'jd',
      jobName: 'spot',
      jobQueue: 'local',
      retryStrategy: {attempts: 2, evaluateOnExit: [{action: 'RETRY', onStatusReason: 'Host EC2*'}]},
    })
    first.ticks(3)
    await first.service.stop!()
    const second = await harness({dir: first.dir})
    expect((await describe1(second, jobId)).status).toBe('RUNNABLE')
    second.ticks(2)
    expect(second.runner.of(jobId).spec.env.AWS_BATCH_JOB_ATTEMPT).toBe('2')
    await second.service.stop!()
  })

  test('the journal is compacted to one line per job at start, and a torn last line is ignored', async () => {
    const first = await harness()
    await register(first)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      // eslint-disable-next-line no-await-in-loop
      ids.push((await first.call('SubmitJob', {jobDefinition: 'jd', jobName: `j${i}`, jobQueue: 'local'})).jobId)
    }

    first.ticks(1)
    await first.service.stop!()
    const journal = path.join(first.dir, 'batch-jobs.jsonl')
    // Each job: a line when submitted, a line when it became RUNNABLE.
    expect(fs.readFileSync(journal, 'utf8').trim().split('\n').length).toBe(6)
    fs.appendFileSync(journal, '{"jobId":"torn", "sta')
    const second = await harness({dir: first.dir})
    expect(fs.readFileSync(journal, 'utf8').trim().split('\n').length).toBe(3)
    expect((await second.call('DescribeJobs', {jobs: [...ids, 'torn']})).jobs.map((j) => j.status)).toEqual([
      'RUNNABLE',
      'RUNNABLE',
      'RUNNABLE',
    ])
    await second.service.stop!()
  })
})
