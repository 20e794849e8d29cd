/**
 * The emulated AWS Batch service: the control plane (compute environments, queues, job definitions, tags), the
 * job API, and an engine that really runs each job attempt as a local process (see engine/runner.ts: no container
 * engine; the image is ignored) and sends its output to CloudWatch Logs through a LogSink.
 */
import type {EmulatedService, LogSink, OperationHandler} from '../contract'

import {BatchContext, Capacity, Input} from './context'
import {
  createComputeEnvironment,
  deleteComputeEnvironment,
  describeComputeEnvironments,
  updateComputeEnvironment,
} from './control/compute-environments'
import {
  createConsumableResource,
  deleteConsumableResource,
  describeConsumableResource,
  listConsumableResources,
  listJobsByConsumableResource,
  updateConsumableResource,
} from './control/consumable-resources'
import {createDefaults} from './control/defaults'
import {deregisterJobDefinition, describeJobDefinitions, registerJobDefinition} from './control/definitions'
import {createJobQueue, deleteJobQueue, describeJobQueues, updateJobQueue} from './control/queues'
import {listTagsForResource, tagResource, untagResource} from './control/tags'
import {Engine} from './engine/engine'
import {GpuPool} from './engine/gpus/pool'
import {noLimits} from './engine/limits/none'
import {LimitMechanism} from './engine/limits/types'
import {AttemptRunner, ProcessRunner} from './engine/runner'
import {type TaskMetadata} from './engine/task-metadata'
import {attemptDirs} from './engine/workdir'
import {cancelJobs, terminateJobs} from './jobs/bulk-stop'
import {getJobQueueSnapshot} from './jobs/queue-snapshot'
import {describeJobs, listJobs} from './jobs/read'
import {cancelJob, terminateJob} from './jobs/stop'
import {submitJob} from './jobs/submit'
import {BatchStore} from './store'

export interface BatchServiceOptions {
  accountId: string
  /**
   * The variables that give an attempt's processes access to the emulator (endpoint, credentials endpoint and
   * token, task metadata URIs), by attempt (its task id).
   */
  attemptAccess?: (attemptId: string) => Record<string, string>
  /** The size of each compute environment (vCPUs, memory in MiB; its GPUs are the gpuIds). */
  capacity: Omit<Capacity, 'gpus'>
  /** The machine's GPUs, handed out exclusively; every compute environment offers all of them. Default: none. */
  gpuIds?: readonly string[]
  /** Environment passed on to jobs (only PATH, HOME and LANG are taken). Default: process.env. */
  hostEnv?: NodeJS.ProcessEnv
  /** Between SIGTERM and SIGKILL when a job is terminated or times out. Default 30 s, as AWS (docker stop). */
  killGraceMs?: number
  /** How each attempt's memory is limited and its processes killed (limits/detect.ts). Default: not at all. */
  limits?: LimitMechanism
  logs: LogSink
  now?: () => number
  region: string
  /** Runs attempts; default: local processes. Tests may pass a fake. */
  runner?: AttemptRunner
  /**
   * Where each attempt gets its private working directory (0700, removed after it), outside the state dir.
   * Default: the system's temporary folder.
   */
  scratchDir?: string
  stateDir: string
  /** How often the engine takes a step. Default 100 ms; 0 = never by itself (tests call tick()). */
  tickMs?: number
}

export interface BatchService extends EmulatedService {
  /** What the attempt's (by task id) ECS task metadata endpoint answers while it runs; undefined otherwise. */
  attemptMetadata(attemptId: string): TaskMetadata | undefined
  /** Whether the attempt (by task id) runs: it has processes that may ask for credentials and metadata. */
  attemptRunning(attemptId: string): boolean
  /** Number of attempt processes running now. */
  readonly runningProcesses: number
  /** One engine step (the timer calls it every tickMs). */
  tick(): void
}

export const DEFAULT_TICK_MS = 100
export const DEFAULT_KILL_GRACE_MS = 30_000

export function createBatchService(options: BatchServiceOptions): BatchService {
  const now = options.now ?? Date.now
  const store = new BatchStore(options.stateDir)
  const gpuIds = options.gpuIds ?? []
  // Named after this state folder: each emulator cleans only its own attempts' leftovers.
  const dirs = attemptDirs(options.stateDir, options.scratchDir)
  const limits = options.limits ?? noLimits()
  const ctx: BatchContext = {
    capacity: {...options.capacity, gpus: gpuIds.length},
    control: {cancel() {}, terminate() {}},
    id: {accountId: options.accountId, region: options.region},
    now,
    store,
  }
  const engine = new Engine(ctx, {
    attemptAccess: options.attemptAccess,
    gpus: new GpuPool(gpuIds),
    hostEnv: options.hostEnv ?? process.env,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    runner: options.runner ?? new ProcessRunner(options.logs, now, dirs, limits),
    tickMs: options.tickMs ?? DEFAULT_TICK_MS,
  })
  ctx.control = engine

  const handler =
    (fn: (c: BatchContext, input: Input) => unknown): OperationHandler =>
    (input) =>
      fn(ctx, input)

  return {
    attemptMetadata: (attemptId) => engine.attemptMetadata(attemptId),
    attemptRunning: (attemptId) => engine.attemptRunning(attemptId),
    operations: {
      CancelJob: handler(cancelJob),
      CancelJobs: handler(cancelJobs),
      CreateComputeEnvironment: handler(createComputeEnvironment),
      CreateConsumableResource: handler(createConsumableResource),
      CreateJobQueue: handler(createJobQueue),
      DeleteComputeEnvironment: handler(deleteComputeEnvironment),
      DeleteConsumableResource: handler(deleteConsumableResource),
      DeleteJobQueue: handler(deleteJobQueue),
      DeregisterJobDefinition: handler(deregisterJobDefinition),
      DescribeComputeEnvironments: handler(describeComputeEnvironments),
      DescribeConsumableResource: handler(describeConsumableResource),
      DescribeJobDefinitions: handler(describeJobDefinitions),
      DescribeJobQueues: handler(describeJobQueues),
      DescribeJobs: handler(describeJobs),
      GetJobQueueSnapshot: handler(getJobQueueSnapshot),
      ListConsumableResources: handler(listConsumableResources),
      ListJobs: handler(listJobs),
      ListJobsByConsumableResource: handler(listJobsByConsumableResource),
      ListTagsForResource: handler(listTagsForResource),
      RegisterJobDefinition: handler(registerJobDefinition),
      SubmitJob: handler(submitJob),
      TagResource: handler(tagResource),
      TerminateJob: handler(terminateJob),
      TerminateJobs: handler(terminateJobs),
      UntagResource: handler(untagResource),
      UpdateComputeEnvironment: handler(updateComputeEnvironment),
      UpdateConsumableResource: handler(updateConsumableResource),
      UpdateJobQueue: handler(updateJobQueue),
    },
    get runningProcesses() {
      return engine.running
    },
    start() {
      if (options.runner) options.runner.clean?.()
      else dirs.clean()
      if (!store.load()) createDefaults(ctx)
      engine.start()
    },
    stop: () => engine.stop(),
    tick: () => engine.tick(),
  }
}
