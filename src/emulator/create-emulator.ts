/**
 * One running emulator: CloudWatch Logs and AWS Batch services over one state directory, behind the HTTP front end.
 * `mfbatch emulator` calls this in the foreground; `emulator start` and `--local` run that command detached.
 */
import {join} from 'node:path'

import type {EmulatorRuntime} from './runtime'

import {loadOrCreateCredentials} from './auth/credentials-file'
import {EmulatorKeys} from './auth/keys'
import {type BatchService, createBatchService} from './batch'
import {DockerRunner} from './batch/engine/docker/runner'
import {writeFidelity} from './batch/engine/fidelity'
import {gpuInventory} from './batch/engine/gpus/inventory'
import {detectLimits} from './batch/engine/limits/detect'
import {
  type EmulatedService,
  EMULATOR_ACCOUNT_ID,
  EMULATOR_DEFAULT_REGION,
  EMULATOR_METAFLOW_BUCKET,
  EMULATOR_PACKAGE_BUCKET,
} from './contract'
import {type FaultOptions, Faults} from './faults'
import {takeInstanceLock} from './instance-lock'
import {lateLogs} from './late'
import {createLogsService} from './logs'
import {createS3Service} from './s3/service'
import {S3Store} from './s3/store'
import {JOB_CREDENTIALS_PATH, startServer, TASK_METADATA_PATH} from './server'
import {ensurePrivateDir} from './state-dir'

export interface EmulatorOptions {
  allowRemote?: boolean
  /** Size of each compute environment. */
  capacity: {memoryMiB: number; vcpus: number}
  /** Made-up GPUs for a machine without any (`--gpus N`); default: this machine's, from `nvidia-smi -L`. */
  fakeGpus?: number
  faults?: FaultOptions
  host?: string
  log?: (line: string) => void
  /** Milliseconds before a job's log lines are readable (late.ts); 0 by default. */
  logDelayMs?: number
  now?: () => number
  /** 0 picks a free port. */
  port?: number
  /** How attempts run: host processes (default) or containers of the job's image. */
  runtime?: EmulatorRuntime
  stateDir: string
}

export interface RunningEmulator {
  /** Stops the server and its open connections, then the services (their state flushed); says what it stopped. */
  close(): Promise<{stoppedJobs: number}>
  port: number
  stateDir: string
  url: string
}

/**
 * Throws StateDirBusyError, having changed nothing, when another emulator runs on the state dir: everything below
 * (the clean-up of earlier cgroups and attempts included) happens only while this one holds the state dir's lock.
 */
export async function createEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  ensurePrivateDir(options.stateDir)
  const lock = takeInstanceLock(options.stateDir)
  try {
    const running = await startAll(options)
    lock.update({capacity: options.capacity, port: running.port})
    return {
      ...running,
      async close() {
        try {
          return await running.close()
        } finally {
          lock.release()
        }
      },
    }
  } catch (error) {
    lock.release()
    throw error
  }
}

async function startAll(options: EmulatorOptions): Promise<RunningEmulator> {
  // Session credentials of an attempt are good while it runs; the Batch service that knows is made below.
  const late: {batch?: BatchService} = {}
  const keys = new EmulatorKeys(
    loadOrCreateCredentials(options.stateDir),
    (id) => late.batch?.attemptRunning(id) === true,
  )
  // Known once the server listens; a job launched before that (a replay at start) gets no AWS variables.
  let url: string | undefined
  const attemptAccess = (attemptId: string): Record<string, string> =>
    url === undefined
      ? {}
      : jobAccess(url, {
          metadata: keys.attemptSecret(attemptId, 'metadata'),
          region: EMULATOR_DEFAULT_REGION,
          token: keys.attemptSecret(attemptId, 'credentials'),
        })
  const identity = {accountId: EMULATOR_ACCOUNT_ID, region: EMULATOR_DEFAULT_REGION}
  const {mechanism: limits, skipped} = detectLimits(options.stateDir)
  const gpus = gpuInventory(options.fakeGpus)
  const say = options.log ?? (() => {})
  say(`mfbatch emulator: limits: ${limits.description}`)
  if (!limits.name.startsWith('cgroup')) say(`mfbatch emulator: no cgroup could be made (${skipped.join('; ')})`)
  say(`mfbatch emulator: GPUs: ${gpus.ids.length === 0 ? 'none' : `${gpus.ids.join(', ')} (${gpus.source})`}`)
  const runtime = options.runtime ?? 'process'
  say(`mfbatch emulator: runtime: ${runtime}`)
  writeFidelity(options.stateDir, {
    gpus,
    limits: {description: limits.description, mechanism: limits.name, unavailable: skipped},
    runtime,
  })
  const logs = createLogsService({...identity, now: options.now, stateDir: join(options.stateDir, 'logs')})
  const s3 = createS3Service(new S3Store(join(options.stateDir, 's3'), options.now))
  // `--local` ships code packages here when no package root is set.
  s3.store.createBucket(EMULATOR_PACKAGE_BUCKET)
  // `mfbatch emulator env --metaflow` points Metaflow's datastore here.
  s3.store.createBucket(EMULATOR_METAFLOW_BUCKET)
  const batchLogs = lateLogs(logs, options.logDelayMs ?? 0)
  const batch = createBatchService({
    ...identity,
    attemptAccess,
    capacity: options.capacity,
    gpuIds: gpus.ids,
    // A container inherits nothing from the host: PATH, HOME and LANG come from its image.
    hostEnv: runtime === 'docker' ? {} : undefined,
    limits,
    logs: batchLogs,
    now: options.now,
    runner:
      runtime === 'docker' ? new DockerRunner(batchLogs, options.now ?? Date.now, options.stateDir, say) : undefined,
    stateDir: join(options.stateDir, 'batch'),
  })
  late.batch = batch
  const services = {batch, logs}
  const started: EmulatedService[] = []
  const stopAll = async () => {
    // Batch first: its jobs may still write to the logs service while stopping.
    for (const service of started.reverse()) {
      // eslint-disable-next-line no-await-in-loop -- in order, one after the other
      await service.stop?.()
    }

    limits.dispose()
  }

  try {
    for (const service of [logs, batch]) {
      // eslint-disable-next-line no-await-in-loop -- Batch may replay its jobs into Logs: Logs must be loaded first
      await service.start?.()
      started.push(service)
    }

    const server = await startServer({
      allowRemote: options.allowRemote,
      attempts: batch,
      faults: new Faults(options.faults, options.now),
      host: options.host,
      keys,
      log: options.log,
      now: options.now,
      port: options.port,
      s3,
      services,
    })
    url = server.url
    return {
      async close() {
        await server.close()
        // Counted just before the engine kills them: no request can start a job once the server is closed.
        const stoppedJobs = batch.runningProcesses
        await stopAll()
        return {stoppedJobs}
      },
      port: server.port,
      stateDir: options.stateDir,
      url: server.url,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/**
 * What an attempt needs to call the emulator as a job role calls AWS: the SDKs and the AWS CLI fetch session
 * credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI with the token, and send every call to AWS_ENDPOINT_URL; the
 * task metadata endpoint (v4, and the v3 name beside it) has the attempt's secret in its path.
 */
export function jobAccess(
  url: string,
  attempt: {metadata: string; region: string; token: string},
): Record<string, string> {
  const metadataUri = `${url}${TASK_METADATA_PATH}/${attempt.metadata}`
  return {
    AWS_CONTAINER_AUTHORIZATION_TOKEN: attempt.token,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}${JOB_CREDENTIALS_PATH}`,
    AWS_DEFAULT_REGION: attempt.region,
    AWS_ENDPOINT_URL: url,
    // The AWS CLI v1/v2 of Debian and older boto3 ignore AWS_ENDPOINT_URL: the code package bootstrap passes this one.
    AWS_ENDPOINT_URL_S3: url,
    AWS_REGION: attempt.region,
    ECS_CONTAINER_METADATA_URI: metadataUri,
    ECS_CONTAINER_METADATA_URI_V4: metadataUri,
  }
}
