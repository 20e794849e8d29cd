/**
 * One running emulator: CloudWatch Logs and AWS Batch services over one state directory, behind the HTTP front end.
 * `mfbatch emulator` calls this in the foreground; `emulator start` and `--local` run that command detached.
 */
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {createBatchService} from './batch'
import {type EmulatedService, EMULATOR_ACCOUNT_ID, EMULATOR_DEFAULT_REGION, EMULATOR_PACKAGE_BUCKET} from './contract'
import {type FaultOptions, Faults} from './faults'
import {createLogsService} from './logs'
import {createS3Service} from './s3/service'
import {S3Store} from './s3/store'
import {startServer} from './server'

export interface EmulatorOptions {
  allowRemote?: boolean
  /** Size of each compute environment. */
  capacity: {memoryMiB: number; vcpus: number}
  faults?: FaultOptions
  host?: string
  log?: (line: string) => void
  now?: () => number
  /** 0 picks a free port. */
  port?: number
  stateDir: string
}

export interface RunningEmulator {
  /** Stops the services (their state flushed), then the server and its open connections. */
  close(): Promise<void>
  port: number
  stateDir: string
  url: string
}

export async function createEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  mkdirSync(options.stateDir, {recursive: true})
  const identity = {accountId: EMULATOR_ACCOUNT_ID, region: EMULATOR_DEFAULT_REGION}
  const logs = createLogsService({...identity, now: options.now, stateDir: join(options.stateDir, 'logs')})
  const s3 = createS3Service(new S3Store(join(options.stateDir, 's3'), options.now))
  // `--local` ships code packages here when no package root is set.
  s3.store.createBucket(EMULATOR_PACKAGE_BUCKET)
  const jobEnv: Record<string, string> = {}
  const batch = createBatchService({
    ...identity,
    capacity: options.capacity,
    jobEnv,
    logs,
    now: options.now,
    stateDir: join(options.stateDir, 'batch'),
  })
  const services = {batch, logs}
  const started: EmulatedService[] = []
  const stopAll = async () => {
    // Batch first: its jobs may still write to the logs service while stopping.
    for (const service of started.reverse()) {
      // eslint-disable-next-line no-await-in-loop -- in order, one after the other
      await service.stop?.()
    }
  }

  try {
    for (const service of [logs, batch]) {
      // eslint-disable-next-line no-await-in-loop -- Batch may replay its jobs into Logs: Logs must be loaded first
      await service.start?.()
      started.push(service)
    }

    const server = await startServer({
      allowRemote: options.allowRemote,
      faults: new Faults(options.faults, options.now),
      host: options.host,
      log: options.log,
      port: options.port,
      s3,
      services,
    })
    // Jobs reach this emulator's S3 (the code package bootstrap's aws CLI and boto3 read these).
    Object.assign(jobEnv, jobEndpointEnvironment(server.url))
    return {
      async close() {
        await server.close()
        await stopAll()
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
 * What a job needs to call back into the emulator: the endpoint for the SDKs that read AWS_ENDPOINT_URL (and the
 * S3-specific one, which the bootstrap passes to older AWS CLIs and boto3 itself), a region, and credentials.
 */
export function jobEndpointEnvironment(url: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'mfbatch-local',
    AWS_DEFAULT_REGION: EMULATOR_DEFAULT_REGION,
    AWS_ENDPOINT_URL: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_SECRET_ACCESS_KEY: 'mfbatch-local',
  }
}
