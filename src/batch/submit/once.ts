/**
 * One job, exactly once (DESIGN.md sections 3 and 6). The job definition is reused when an ACTIVE one of
 * the same hashed name exists. SubmitJob has no idempotency token and the client never resends it, so after an
 * ambiguous failure (timeout, reset, 5xx) this looks for the job it may already have made before trying again:
 * by name on the queue (ListJobs), then by a random mark of our own (the tag SUBMISSION_TAG) from DescribeJobs.
 */
import type {JobDefinition, RegisterJobDefinitionCommandInput, SubmitJobCommandInput} from '@aws-sdk/client-batch'

import {randomUUID} from 'node:crypto'

import type {BatchApi} from '../clients'

import {RuntimeError} from '../../errors'
import {explainKnownFailure} from '../errors'
import {backoffDelay, type Clock, errorName, isAmbiguous, isTransient, systemClock} from '../pacing'
import {DESCRIBE_BATCH_SIZE} from '../watch/job-watcher'

/** The tag that tells our job from another of the same name. `aws:` is reserved for AWS; `mfbatch:` is ours. */
export const SUBMISSION_TAG = 'mfbatch:submission-id'
/** SubmitJob attempts in all, counting the first. */
export const SUBMIT_ATTEMPTS = 6

export interface SubmitRequests {
  registerJobDefinition: RegisterJobDefinitionCommandInput
  submitJob: SubmitJobCommandInput
}

export interface SubmittedJob {
  jobArn?: string
  /** The ARN of the definition used (`name:revision`). */
  jobDefinition: string
  jobId: string
  jobName: string
  jobQueue: string
  /** Whether this submit registered the definition (false: an ACTIVE one was reused). */
  registered: boolean
}

export interface SubmitOptions {
  clock?: Clock
  onRetry?: (error: unknown, delayMs: number) => void
  random?: () => number
  /** The job's unique mark; a fresh random one by default. */
  submissionId?: string
}

export async function submitJob(
  batch: BatchApi,
  requests: SubmitRequests,
  options: SubmitOptions = {},
): Promise<SubmittedJob> {
  const definition = await ensureJobDefinition(batch, requests.registerJobDefinition)
  const input = {...requests.submitJob, jobDefinition: definition.arn}
  const job = await submitOnce(batch, input, options)
  return {
    jobArn: job.jobArn,
    jobDefinition: definition.arn,
    jobId: job.jobId,
    jobName: job.jobName,
    jobQueue: input.jobQueue!,
    registered: definition.registered,
  }
}

/** An ACTIVE definition of the same name (the name is a hash of its content), else a new registration. */
export async function ensureJobDefinition(
  batch: BatchApi,
  input: RegisterJobDefinitionCommandInput,
): Promise<{arn: string; registered: boolean}> {
  const found: JobDefinition[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages come one after another by token
    const page = await batch.describeJobDefinitions({
      jobDefinitionName: input.jobDefinitionName,
      nextToken,
      status: 'ACTIVE',
    })
    found.push(...(page.jobDefinitions ?? []).filter((d) => d.status === 'ACTIVE' && d.jobDefinitionArn))
    nextToken = page.nextToken
  } while (nextToken)

  const latest = found.sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0]
  if (latest) return {arn: latest.jobDefinitionArn!, registered: false}
  const registered = await batch.registerJobDefinition(input).catch((error: unknown) => {
    throw sentence('RegisterJobDefinition', error)
  })
  return {arn: registered.jobDefinitionArn!, registered: true}
}

export interface Made {
  jobArn?: string
  jobId: string
  jobName: string
}

/** SubmitJob, retried only when it surely did not happen or when a lookup shows it did not. */
export async function submitOnce(
  batch: BatchApi,
  input: SubmitJobCommandInput,
  options: SubmitOptions = {},
): Promise<Made> {
  const {clock = systemClock, onRetry, random} = options
  const token = options.submissionId ?? randomUUID()
  const tagged = {...input, tags: {...input.tags, [SUBMISSION_TAG]: token}}
  for (let attempt = 1; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop -- one attempt at a time, never two in flight
      const out = await batch.submitJob(tagged)
      return {jobArn: out.jobArn, jobId: out.jobId!, jobName: out.jobName ?? input.jobName!}
    } catch (error) {
      if (!isTransient(error) || attempt >= SUBMIT_ATTEMPTS) throw sentence('SubmitJob', error)
      const delay = backoffDelay(attempt, {random})
      onRetry?.(error, delay)
      // eslint-disable-next-line no-await-in-loop -- also gives AWS time to list a job it did make
      await clock.sleep(delay)
      if (isAmbiguous(error)) {
        // eslint-disable-next-line no-await-in-loop
        const made = await findSubmitted(batch, tagged, token, options)
        if (made) return made
      }
    }
  }
}

/**
 * The job an ambiguous SubmitJob may have made: ListJobs by name on the queue (a name filter covers every state),
 * then DescribeJobs for the tags. A lookup that keeps failing ends the submit: resending blind could make two jobs.
 */
async function findSubmitted(
  batch: BatchApi,
  input: SubmitJobCommandInput,
  token: string,
  {clock = systemClock, onRetry, random}: SubmitOptions,
): Promise<Made | undefined> {
  for (let failures = 0; ;) {
    try {
      // eslint-disable-next-line no-await-in-loop -- retries are sequential
      return await lookUp(batch, input, token)
    } catch (error) {
      failures++
      if (!isTransient(error) || failures >= SUBMIT_ATTEMPTS) {
        throw new RuntimeError(
          `SubmitJob got no answer and the job could not be looked up (${errorName(error) ?? 'error'}); check with ` +
            `"mfbatch status --queue ${input.jobQueue} --name ${input.jobName} --state all" before submitting again`,
        )
      }

      const delay = backoffDelay(failures, {random})
      onRetry?.(error, delay)
      // eslint-disable-next-line no-await-in-loop
      await clock.sleep(delay)
    }
  }
}

/** The job a SubmitJob (tagged by submitOnce) made, if AWS lists it: by name on the queue, then by its tag. */
export async function lookUp(batch: BatchApi, input: SubmitJobCommandInput, token: string): Promise<Made | undefined> {
  const ids: string[] = []
  let nextToken: string | undefined
  do {
    // eslint-disable-next-line no-await-in-loop -- pages come one after another by token
    const page = await batch.listJobs({
      filters: [{name: 'JOB_NAME', values: [input.jobName!]}],
      jobQueue: input.jobQueue,
      nextToken,
    })
    ids.push(...(page.jobSummaryList ?? []).map((job) => job.jobId!).filter(Boolean))
    nextToken = page.nextToken
  } while (nextToken)

  for (let i = 0; i < ids.length; i += DESCRIBE_BATCH_SIZE) {
    // eslint-disable-next-line no-await-in-loop -- usually one call; stop at the first match
    const {jobs = []} = await batch.describeJobs({jobs: ids.slice(i, i + DESCRIBE_BATCH_SIZE)})
    const ours = jobs.find((job) => job.tags?.[SUBMISSION_TAG] === token)
    if (ours) return {jobArn: ours.jobArn, jobId: ours.jobId!, jobName: ours.jobName!}
  }

  return undefined
}

/** AWS's message as one sentence naming the operation; a 4xx (ClientException) is the caller's to fix. */
function sentence(operation: string, error: unknown): Error {
  if (error instanceof RuntimeError) return error
  const known = explainKnownFailure(error, operation)
  if (known) return known
  const name = errorName(error) ?? 'Error'
  return new RuntimeError(`${operation} failed (${name}): ${(error as Error).message}`)
}
