/**
 * The one door to AWS. Every SDK client is built here, with the region, profile, endpoint and retry policy the
 * settings give, and handed out behind narrow interfaces so services never see the SDK's full surface.
 *
 * The SDK modules (aws-sdk.ts, aws-s3.ts) are loaded with `await import()` inside `createClients()`: a command
 * that never reaches AWS (`--help`, `--dry-run`, bad input) does not pay their load time (DESIGN.md section 9).
 */
import type {
  CancelJobCommandInput,
  CancelJobCommandOutput,
  DescribeComputeEnvironmentsCommandInput,
  DescribeComputeEnvironmentsCommandOutput,
  DescribeJobDefinitionsCommandInput,
  DescribeJobDefinitionsCommandOutput,
  DescribeJobQueuesCommandInput,
  DescribeJobQueuesCommandOutput,
  DescribeJobsCommandInput,
  DescribeJobsCommandOutput,
  GetJobQueueSnapshotCommandInput,
  GetJobQueueSnapshotCommandOutput,
  ListJobsCommandInput,
  ListJobsCommandOutput,
  RegisterJobDefinitionCommandInput,
  RegisterJobDefinitionCommandOutput,
  SubmitJobCommandInput,
  SubmitJobCommandOutput,
  TerminateJobCommandInput,
  TerminateJobCommandOutput,
  TerminateJobsCommandInput,
  TerminateJobsCommandOutput,
} from '@aws-sdk/client-batch'
import type {
  DescribeLogStreamsCommandInput,
  DescribeLogStreamsCommandOutput,
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
  GetLogEventsCommandInput,
  GetLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs'
import type {Readable} from 'node:stream'

import {createReadStream} from 'node:fs'

import {nameProfileOnCredentialFailure} from './errors'
import {withFastGetLogEvents} from './logs/events-protocol'
import {failFastWhenUnreachable} from './reachability'

/** The Batch operations mfbatch uses, and nothing else. */
export interface BatchApi {
  cancelJob(input: CancelJobCommandInput): Promise<CancelJobCommandOutput>
  describeComputeEnvironments(
    input: DescribeComputeEnvironmentsCommandInput,
  ): Promise<DescribeComputeEnvironmentsCommandOutput>
  describeJobDefinitions(input: DescribeJobDefinitionsCommandInput): Promise<DescribeJobDefinitionsCommandOutput>
  describeJobQueues(input: DescribeJobQueuesCommandInput): Promise<DescribeJobQueuesCommandOutput>
  describeJobs(input: DescribeJobsCommandInput): Promise<DescribeJobsCommandOutput>
  /** The first 100 RUNNABLE jobs of a queue, in the order they will be placed. */
  getJobQueueSnapshot(input: GetJobQueueSnapshotCommandInput): Promise<GetJobQueueSnapshotCommandOutput>
  listJobs(input: ListJobsCommandInput): Promise<ListJobsCommandOutput>
  registerJobDefinition(input: RegisterJobDefinitionCommandInput): Promise<RegisterJobDefinitionCommandOutput>
  /**
   * Sent exactly once, never retried by the SDK: SubmitJob has no idempotency token, so a blind resend after an
   * ambiguous failure could start the job twice. The caller decides (DESIGN.md section 6).
   */
  submitJob(input: SubmitJobCommandInput): Promise<SubmitJobCommandOutput>
  terminateJob(input: TerminateJobCommandInput): Promise<TerminateJobCommandOutput>
  /** Up to 50 jobs of one queue; an endpoint without it (older regions, other emulators) answers UnknownOperation. */
  terminateJobs(input: TerminateJobsCommandInput): Promise<TerminateJobsCommandOutput>
}

/** The CloudWatch Logs operations mfbatch uses. */
export interface LogsApi {
  describeLogStreams(input: DescribeLogStreamsCommandInput): Promise<DescribeLogStreamsCommandOutput>
  filterLogEvents(input: FilterLogEventsCommandInput): Promise<FilterLogEventsCommandOutput>
  getLogEvents(input: GetLogEventsCommandInput): Promise<GetLogEventsCommandOutput>
}

export interface ClientOptions {
  /** Static credentials (the local emulator's own); the SDK's default chain and any profile are then not used. */
  credentials?: {accessKeyId: string; secretAccessKey: string}
  /** Overrides AWS_ENDPOINT_URL* (the emulator, or a VPC endpoint). */
  endpoint?: string
  /** Attempts per call for retryable errors (throttling, 5xx, network); SubmitJob always gets 1. */
  maxAttempts?: number
  profile?: string
  region?: string
  /** Called with one line per API call when `--verbose` is on. Never receives credentials. */
  trace?: (line: string) => void
}

export interface Clients {
  batch: BatchApi
  logs: LogsApi
  /** The S3 client, built (and its SDK loaded) on first use only: see createS3. */
  s3?: () => Promise<S3Api>
}

/**
 * Patient by default: Batch throttles at a few requests a second per account, and a Makefile run should ride that
 * out rather than fail. The SDK's adaptive mode adds client-side rate limiting on top of backoff with jitter.
 */
const DEFAULT_MAX_ATTEMPTS = 10

/**
 * What every SDK client (Batch, Logs, S3, and any later one) is built with: the same endpoint, region and
 * credentials, so `--local` cannot be missed by one of them. Static credentials (the emulator's) rule out a profile
 * and the default chain: nothing else ever signs a request to that endpoint.
 */
export function sdkCommonConfig(options: ClientOptions): {
  credentials?: {accessKeyId: string; secretAccessKey: string}
  endpoint?: string
  profile?: string
  region?: string
} {
  return {
    ...(options.credentials ? {credentials: {...options.credentials}} : {}),
    ...(options.endpoint ? {endpoint: options.endpoint} : {}),
    ...(options.profile && !options.credentials ? {profile: options.profile} : {}),
    ...(options.region ? {region: options.region} : {}),
  }
}

export async function createClients(options: ClientOptions = {}): Promise<Clients> {
  const sdk = await import('./aws-sdk.js')
  const common = sdkCommonConfig(options)
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const batch = new sdk.BatchClient({...common, maxAttempts, retryMode: 'adaptive'})
  const submitter = new sdk.BatchClient({...common, maxAttempts: 1})
  const logs = new sdk.CloudWatchLogsClient({
    ...common,
    maxAttempts,
    // GetLogEvents pages parsed in one step (logs/events-protocol.ts); the rest of the protocol is the SDK's.
    protocol: withFastGetLogEvents(sdk.JsonProtocol),
    retryMode: 'adaptive',
  })
  // Batch and its SubmitJob client share what they learn: the endpoint answered once, so it exists.
  const batchAnswered = {yes: false}
  for (const [client, answered] of [
    [batch, batchAnswered],
    [submitter, batchAnswered],
    [logs, {yes: false}],
  ] as const) {
    failFastWhenUnreachable(client.middlewareStack as unknown as MiddlewareStackLike, answered)
  }

  const profile = profileInEffect(options)
  if (profile) {
    for (const client of [batch, submitter, logs]) {
      nameProfileOnCredentialFailure(client.middlewareStack as unknown as MiddlewareStackLike, profile)
    }
  }

  if (options.trace) {
    // The three stacks differ only in their input/output type parameters, which tracing never looks at.
    for (const client of [batch, submitter, logs]) {
      traceCalls(client.middlewareStack as unknown as MiddlewareStackLike, options.trace)
    }
  }

  return {
    batch: {
      cancelJob: (input) => batch.send(new sdk.CancelJobCommand(input)),
      describeComputeEnvironments: (input) => batch.send(new sdk.DescribeComputeEnvironmentsCommand(input)),
      describeJobDefinitions: (input) => batch.send(new sdk.DescribeJobDefinitionsCommand(input)),
      describeJobQueues: (input) => batch.send(new sdk.DescribeJobQueuesCommand(input)),
      describeJobs: (input) => batch.send(new sdk.DescribeJobsCommand(input)),
      getJobQueueSnapshot: (input) => batch.send(new sdk.GetJobQueueSnapshotCommand(input)),
      listJobs: (input) => batch.send(new sdk.ListJobsCommand(input)),
      registerJobDefinition: (input) => batch.send(new sdk.RegisterJobDefinitionCommand(input)),
      submitJob: (input) => submitter.send(new sdk.SubmitJobCommand(input)),
      terminateJob: (input) => batch.send(new sdk.TerminateJobCommand(input)),
      terminateJobs: (input) => batch.send(new sdk.TerminateJobsCommand(input)),
    },
    logs: {
      describeLogStreams: (input) => logs.send(new sdk.DescribeLogStreamsCommand(input)),
      filterLogEvents: (input) => logs.send(new sdk.FilterLogEventsCommand(input)),
      getLogEvents: (input) => logs.send(new sdk.GetLogEventsCommand(input)),
    },
  }
}

/** The profile the SDK's default chain reads: the client's own, else AWS_PROFILE; none with static credentials. */
function profileInEffect(options: ClientOptions): string | undefined {
  return options.credentials ? undefined : options.profile || process.env.AWS_PROFILE || undefined
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: {commandName?: string},
    ) => (args: unknown) => Promise<unknown>,
    options: {name: string; priority?: 'high'; step: 'deserialize' | 'initialize'},
  ): void
}

/**
 * `--verbose`: one line per API call with the operation, the attempt's outcome and its duration. Only the
 * operation name and the request's top-level member names are shown, never values, headers or credentials.
 */
function traceCalls(stack: MiddlewareStackLike, trace: (line: string) => void): void {
  stack.add(
    (next, context) => async (args) => {
      const started = Date.now()
      const input = (args as {input?: Record<string, unknown>}).input ?? {}
      const members = Object.keys(input).join(',')
      try {
        const result = await next(args)
        trace(`aws ${context.commandName ?? 'call'}(${members}) ok ${Date.now() - started}ms`)
        return result
      } catch (error) {
        trace(`aws ${context.commandName ?? 'call'}(${members}) ${(error as Error).name} ${Date.now() - started}ms`)
        throw error
      }
    },
    {name: 'mfbatchTrace', step: 'initialize'},
  )
}

/** The S3 operations the code package and the outputs use. Built only by `createS3`, only when needed. */
export interface S3Api {
  /** When the credentials that sign expire (temporary credentials), else undefined. */
  credentialsExpiry(): Promise<Date | undefined>
  /** True when the object exists; false on 404. */
  exists(bucket: string, key: string): Promise<boolean>
  /** A small text object (a task table), whole. */
  getText(bucket: string, key: string): Promise<string>
  /** Every key under the prefix (ListObjectsV2, all pages), with its size. */
  list(bucket: string, prefix: string): Promise<Array<{key: string; size: number}>>
  presignGet(bucket: string, key: string, expiresInSeconds: number): Promise<string>
  /** A small text object (a script), in one PutObject. */
  putText(bucket: string, key: string, text: string): Promise<void>
  /** The object's bytes as they arrive (one GetObject), never held whole. */
  read(bucket: string, key: string): Promise<Readable>
  /** A small object (a manifest) as text; undefined on 404. */
  readText(bucket: string, key: string): Promise<string | undefined>
  /** The file at `path`, streamed; multipart above 8 MiB (lib-storage); `progress` gets bytes sent so far. */
  upload(bucket: string, key: string, path: string, progress?: (sent: number) => void): Promise<void>
}

/**
 * The S3 client, loaded on its own (`await import`), so commands that do not package never load the S3 SDK.
 * Path-style addressing with a custom endpoint: the emulator (and most S3-compatible stores) have no
 * per-bucket host names.
 */
export async function createS3(options: ClientOptions = {}): Promise<S3Api> {
  const s3 = await import('./aws-s3.js')
  const client = new s3.S3Client({
    ...sdkCommonConfig(options),
    ...(options.endpoint ? {forcePathStyle: true} : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'adaptive',
  })
  const stack = client.middlewareStack as unknown as MiddlewareStackLike
  failFastWhenUnreachable(stack, {yes: false})
  const profile = profileInEffect(options)
  if (profile) nameProfileOnCredentialFailure(stack, profile)
  if (options.trace) traceCalls(stack, options.trace)
  return {
    async credentialsExpiry() {
      const credentials = await client.config.credentials()
      return credentials.expiration
    },
    async exists(bucket, key) {
      try {
        await client.send(new s3.HeadObjectCommand({Bucket: bucket, Key: key}))
        return true
      } catch (error) {
        if ((error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode === 404) return false
        throw error
      }
    },
    async getText(bucket, key) {
      const got = await client.send(new s3.GetObjectCommand({Bucket: bucket, Key: key}))
      return got.Body!.transformToString('utf8')
    },
    async list(bucket, prefix) {
      const found: Array<{key: string; size: number}> = []
      let token: string | undefined
      do {
        // eslint-disable-next-line no-await-in-loop -- pages come one after another by token
        const page = await client.send(
          new s3.ListObjectsV2Command({Bucket: bucket, ContinuationToken: token, Prefix: prefix}),
        )
        for (const item of page.Contents ?? []) found.push({key: item.Key!, size: item.Size ?? 0})
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)

      return found
    },
    presignGet: (bucket, key, expiresIn) =>
      s3.getSignedUrl(client, new s3.GetObjectCommand({Bucket: bucket, Key: key}), {expiresIn}),
    async putText(bucket, key, text) {
      await client.send(new s3.PutObjectCommand({Body: text, Bucket: bucket, ContentType: 'text/plain', Key: key}))
    },
    async read(bucket, key) {
      const answer = await client.send(new s3.GetObjectCommand({Bucket: bucket, Key: key}))
      return answer.Body as Readable
    },
    async readText(bucket, key) {
      try {
        const answer = await client.send(new s3.GetObjectCommand({Bucket: bucket, Key: key}))
        return await answer.Body!.transformToString()
      } catch (error) {
        if ((error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode === 404) return
        throw error
      }
    },
    async upload(bucket, key, path, progress) {
      const upload = new s3.Upload({
        client,
        params: {Body: createReadStream(path), Bucket: bucket, ContentType: 'application/gzip', Key: key},
        partSize: 8 * 1024 * 1024,
      })
      if (progress) upload.on('httpUploadProgress', (p) => progress(p.loaded ?? 0))
      await upload.done()
    },
  }
}
