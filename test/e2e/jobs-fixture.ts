/**
 * Jobs for the status and kill end-to-end tests, submitted with AWS's own client straight to the emulator (so the
 * commands under test are the only mfbatch code involved).
 */
import {
  BatchClient,
  DescribeJobsCommand,
  type JobDetail,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'

import type {TestEmulator} from '../helpers/emulator'

export function batchClient(emulator: TestEmulator): BatchClient {
  return new BatchClient({
    credentials: emulator.credentials,
    endpoint: emulator.url,
    // Patient, so setting up jobs rides out an emulator that throttles on purpose (a 429 does no work).
    maxAttempts: 20,
    region: 'us-east-1',
    retryMode: 'adaptive',
  })
}

export interface JobsRequest {
  command: string
  count: number
  name: string
  /** More than the emulator's compute environment has keeps a job RUNNABLE for good, using no capacity. */
  vcpus?: number
}

let definitions = 0

/** Submits `count` jobs running `sh -c command`, 10 at a time; returns their ids in submission order. */
export async function submitJobs(batch: BatchClient, request: JobsRequest): Promise<string[]> {
  const {jobDefinitionArn} = await batch.send(
    new RegisterJobDefinitionCommand({
      containerProperties: {
        command: ['sh', '-c', request.command],
        image: 'busybox',
        resourceRequirements: [
          {type: 'VCPU', value: String(request.vcpus ?? 1)},
          {type: 'MEMORY', value: '64'},
        ],
      },
      jobDefinitionName: `e2e-${++definitions}`,
      type: 'container',
    }),
  )
  const ids: string[] = []
  for (let i = 0; i < request.count; i += 10) {
    const batchOf = Array.from({length: Math.min(10, request.count - i)}, (_, j) =>
      batch.send(
        new SubmitJobCommand({jobDefinition: jobDefinitionArn, jobName: `${request.name}-${i + j}`, jobQueue: 'local'}),
      ),
    )
    // eslint-disable-next-line no-await-in-loop -- ten at a time keeps the emulator's request log readable
    ids.push(...(await Promise.all(batchOf)).map((r) => r.jobId!))
  }

  return ids
}

export async function describeAll(batch: BatchClient, ids: readonly string[]): Promise<JobDetail[]> {
  const found: JobDetail[] = []
  for (let i = 0; i < ids.length; i += 100) {
    // eslint-disable-next-line no-await-in-loop
    const page = await batch.send(new DescribeJobsCommand({jobs: ids.slice(i, i + 100)}))
    found.push(...(page.jobs ?? []))
  }

  return found
}

/** Polls (every 200 ms, up to `timeoutMs`) until every job's status passes `done`. */
export async function waitUntil(
  batch: BatchClient,
  ids: readonly string[],
  done: (status: string | undefined) => boolean,
  timeoutMs = 20_000,
): Promise<JobDetail[]> {
  const until = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const jobs = await describeAll(batch, ids)
    if (jobs.length === ids.length && jobs.every((job) => done(job.status))) return jobs
    if (Date.now() > until) throw new Error(`jobs not there in time: ${jobs.map((j) => j.status).join(' ')}`)
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, 200)
    })
  }
}
