/**
 * The job engine: moves jobs through SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING → SUCCEEDED | FAILED.
 *
 * Work happens on a tick (every `tickMs`), and a job takes at most one step per tick, so every state is visible
 * to a poller for at least one tick. Phases run from the end of the lifecycle to its start for that reason. A
 * running attempt's end is handled the moment its process ends. Time comes from the injected clock, so tests can
 * drive `tick()` by hand with a fake clock and a fake runner.
 */
import {createHash, randomUUID} from 'node:crypto'

import {ecsArn} from '../arn'
import {BatchContext, JobControl} from '../context'
import {consume, shortage} from '../control/consumable-resources'
import {queueComputeEnvironments} from '../control/queues'
import {dispatchOrder} from '../jobs/dispatch-order'
import {specOf} from '../jobs/render'
import {
  CONTAINER_EXITED,
  DEPENDENCY_FAILED,
  hostLost,
  MISCONFIGURED_RESOURCES,
  TASK_FAILED_TO_START,
  TIMEOUT,
} from '../reasons'
import {ComputeEnvironmentRecord, ContainerProperties, isFinal, isParentJob, JobRecord, JobStatus} from '../types'
import {dependencyState} from './dependencies'
import {attemptEnvironment} from './environment'
import {applyGpuEnvironment} from './gpus/environment'
import {GpuPool} from './gpus/pool'
import {
  childNodes,
  heldForChildren,
  isMainNode,
  MAIN_NODE_ENDED,
  nodePlacement,
  nodeVariables,
  parentFollowsMain,
} from './nodes'
import {killOrphanGroup, processStartTime} from './processes'
import {AttemptOutcome, shouldRetry} from './retry'
import {AttemptHandle, AttemptResult, AttemptRunner} from './runner'
import {CeCapacity, place, reserve} from './scheduler'
import {taskMetadata, type TaskMetadata} from './task-metadata'

export interface EngineOptions {
  /**
   * The variables that let an attempt's processes call the emulator (endpoint, credentials endpoint and token,
   * task metadata URI), per attempt (its task id); none by default.
   */
  attemptAccess?: (attemptId: string) => Record<string, string>
  /** The machine's GPUs; a placed job holds its devices until its attempt ends. */
  gpus: GpuPool
  /** The emulator's own environment, from which PATH, HOME and LANG are passed on. */
  hostEnv: NodeJS.ProcessEnv
  /** Between SIGTERM and SIGKILL when a job is terminated or times out (AWS: 30 s, like `docker stop`). */
  killGraceMs: number
  runner: AttemptRunner
  /** 0: no timer; the owner calls tick(). */
  tickMs: number
}

const NOT_STARTED: ReadonlySet<JobStatus> = new Set(['PENDING', 'RUNNABLE', 'SUBMITTED'])

/** A stable, made-up EC2 instance id per compute environment, for host-lost reasons and ARNs. */
export const instanceIdOf = (ce: Pick<ComputeEnvironmentRecord, 'uuid'> | undefined): string =>
  `i-${createHash('sha256')
    .update(ce?.uuid ?? 'gone')
    .digest('hex')
    .slice(0, 17)}`

const clusterName = (ce: ComputeEnvironmentRecord): string => ce.ecsClusterArn.slice(ce.ecsClusterArn.indexOf('/') + 1)

/** An attempt is named by its ECS task id, the last part of its task ARN: random, one per attempt. */
export const attemptIdOf = (job: JobRecord): string | undefined => {
  const arn = job.attempts.at(-1)?.container.taskArn
  return arn === undefined ? undefined : arn.slice(arn.lastIndexOf('/') + 1)
}

const isFargate = (ce: ComputeEnvironmentRecord | undefined): boolean =>
  ['FARGATE', 'FARGATE_SPOT'].includes(ce?.computeResources?.type ?? '')

export class Engine implements JobControl {
  private readonly handles = new Map<string, AttemptHandle>()
  /** The attempts whose process runs, by task id, with what their metadata endpoint answers. */
  private readonly live = new Map<string, TaskMetadata>()
  /** Jobs whose image is ready, for their launch on the next tick (runner.prepare). */
  private readonly prepared = new Set<string>()
  /** Jobs whose image the runner is making ready (pulling), STARTING meanwhile. */
  private readonly preparing = new Set<string>()
  private stopping = false
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly ctx: BatchContext,
    private readonly options: EngineOptions,
  ) {}

  /** Whether any attempt process is still running. */
  get running(): number {
    return this.handles.size
  }

  /** What the attempt's task metadata endpoint answers while it runs; undefined once it has ended. */
  attemptMetadata(attemptId: string): TaskMetadata | undefined {
    return this.live.get(attemptId)
  }

  /** Whether the attempt (by task id) runs: its credentials and metadata are served only then. */
  attemptRunning(attemptId: string): boolean {
    return this.live.has(attemptId)
  }

  cancel(job: JobRecord, reason: string): void {
    if (isParentJob(job)) {
      job.isCancelled = true
      this.ctx.store.touch(job)
      for (const child of this.ctx.store.children.get(job.jobId) ?? []) this.cancel(child, reason)
      return
    }

    // Jobs that reached STARTING or RUNNING are not cancelled (TerminateJob does that), as on AWS.
    if (!NOT_STARTED.has(job.status)) return
    job.isCancelled = true
    job.statusReason = reason
    this.setStatus(job, 'FAILED')
  }

  /** Recovers from the last run, then starts ticking. */
  start(): void {
    this.recover()
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => this.safeTick(), this.options.tickMs)
      this.timer.unref()
    }
  }

  /**
   * Stops ticking and kills every running attempt. Their records stay RUNNING on disk: to the next start, this
   * looks like a lost host, which is what it is.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.stopping = true
    for (const handle of this.handles.values()) handle.signal('SIGKILL')
    const deadline = Date.now() + 5000
    while (this.handles.size > 0 && Date.now() < deadline) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => {
        setTimeout(resolve, 10)
      })
    }

    await this.options.runner.settle?.()
    this.ctx.store.close()
  }

  terminate(job: JobRecord, reason: string): void {
    if (isParentJob(job)) {
      job.isTerminated = true
      this.ctx.store.touch(job)
      for (const child of this.ctx.store.children.get(job.jobId) ?? []) this.terminate(child, reason)
      return
    }

    if (isFinal(job.status)) return
    job.isTerminated = true
    const handle = this.handles.get(job.jobId)
    if (job.status === 'RUNNING' && handle) {
      // The end of the process finishes the job; a second terminate does not restart the grace period.
      job.kill ??= {reason, sentAt: this.ctx.now(), why: 'terminate'}
      this.ctx.store.touch(job)
      handle.signal('SIGTERM')
      return
    }

    // Nothing runs yet: the job fails now, without an exit code. A placed attempt that never ran is dropped.
    if (job.status === 'STARTING') job.attempts.pop()
    this.prepared.delete(job.jobId)
    this.options.gpus.release(job.jobId)
    job.ceName = undefined
    job.statusReason = reason
    this.setStatus(job, 'FAILED')
  }

  /** One step of every job that can move, from the end of the lifecycle to its start; then one journal write. */
  tick(): void {
    const now = this.ctx.now()
    const {active} = this.ctx.store
    this.enforceDeadlines(now)
    for (const job of active.get('STARTING')!) this.launch(job, now)
    this.schedule()
    for (const job of active.get('PENDING')!) this.checkDependencies(job)
    for (const job of active.get('SUBMITTED')!) this.setStatus(job, job.dependsOn.length > 0 ? 'PENDING' : 'RUNNABLE')
    this.ctx.store.flush()
  }

  /**
   * The main node has ended an attempt. Ended for good: the job has ended, and the child nodes still going are
   * stopped. Retried: the child nodes run again with the main node's next attempt (the user guide: each new attempt
   * of a multi-node job updates the attempts of its child nodes).
   */
  private afterMainNode(main: JobRecord): void {
    const final = isFinal(main.status)
    for (const child of childNodes(this.ctx.store, main)) {
      if (final) {
        this.terminate(child, MAIN_NODE_ENDED)
      } else if (this.handles.has(child.jobId)) {
        child.restartWithMain = true
        this.ctx.store.touch(child)
        this.handles.get(child.jobId)!.signal('SIGKILL')
      } else {
        if (child.status === 'STARTING') child.attempts.pop()
        child.ceName = undefined
        this.setStatus(child, 'RUNNABLE')
      }
    }
  }

  private capacities(): Map<string, CeCapacity> {
    const {capacity, store} = this.ctx
    const caps = new Map<string, CeCapacity>()
    for (const ce of store.computeEnvironments.values()) {
      const vcpus = ce.computeResources?.maxvCpus ?? ce.unmanagedvCpus ?? capacity.vcpus
      caps.set(ce.computeEnvironmentName, {
        name: ce.computeEnvironmentName,
        open: ce.state === 'ENABLED' && ce.status === 'VALID',
        total: {gpus: capacity.gpus ?? 0, memoryMiB: capacity.memoryMiB, vcpus},
        used: {gpus: 0, memoryMiB: 0, vcpus: 0},
      })
    }

    for (const status of ['STARTING', 'RUNNING'] as const) {
      for (const job of store.active.get(status)!) {
        const ce = job.ceName === undefined ? undefined : caps.get(job.ceName)
        if (!ce) continue
        reserve(ce, specOf(store, job).resources)
        const held = heldForChildren(store, job)
        if (held) reserve(ce, held)
      }
    }

    return caps
  }

  private checkDependencies(job: JobRecord): void {
    const state = dependencyState(job.dependsOn, (id) => this.ctx.store.jobs.get(id)?.status)
    if (state === 'failed') {
      job.statusReason = DEPENDENCY_FAILED
      this.setStatus(job, 'FAILED')
    } else if (state === 'satisfied') {
      this.setStatus(job, 'RUNNABLE')
    }
  }

  /** Timeouts send SIGTERM; a kill still running after the grace period gets SIGKILL. */
  private enforceDeadlines(now: number): void {
    for (const job of this.ctx.store.active.get('RUNNING')!) {
      const handle = this.handles.get(job.jobId)
      if (!handle) continue
      if (job.kill === undefined) {
        const seconds = specOf(this.ctx.store, job).timeout?.attemptDurationSeconds
        const startedAt = job.attempts.at(-1)?.startedAt
        if (seconds !== undefined && startedAt !== undefined && now - startedAt >= seconds * 1000) {
          job.kill = {reason: TIMEOUT, sentAt: now, why: 'timeout'}
          this.ctx.store.touch(job)
          handle.signal('SIGTERM')
        }
      } else if (!job.kill.forced && now - job.kill.sentAt >= this.options.killGraceMs) {
        job.kill.forced = true
        handle.signal('SIGKILL')
      }
    }
  }

  /** Records a failed attempt's end: a new attempt if the retry strategy says so, else FAILED. */
  private failOrRetry(job: JobRecord, outcome: AttemptOutcome): void {
    if (shouldRetry(specOf(this.ctx.store, job).retryStrategy, job.attempts.length, outcome)) {
      job.statusReason = undefined
      this.setStatus(job, 'RUNNABLE')
    } else {
      job.statusReason = outcome.statusReason
      this.setStatus(job, 'FAILED')
    }
  }

  private finish(job: JobRecord, result: AttemptResult): void {
    this.handles.delete(job.jobId)
    this.live.delete(attemptIdOf(job) ?? '')
    this.options.gpus.release(job.jobId)
    // The emulator is stopping: the record stays RUNNING and the next start reports the host as lost.
    if (this.stopping) return
    const attempt = job.attempts.at(-1)!
    attempt.stoppedAt = this.ctx.now()
    attempt.container.exitCode = result.exitCode
    attempt.container.reason = result.reason
    attempt.statusReason = result.startError ? TASK_FAILED_TO_START : CONTAINER_EXITED
    const kill = releaseProcess(job)
    if (job.restartWithMain) {
      // A child node stopped because the main node is retried: it runs again with the main node's next attempt.
      job.restartWithMain = undefined
      this.setStatus(job, 'RUNNABLE')
    } else if (kill) {
      // Terminated and timed-out attempts are not retried.
      job.statusReason = kill.reason
      this.setStatus(job, 'FAILED')
    } else if (result.exitCode === 0 && !result.startError) {
      job.statusReason = CONTAINER_EXITED
      this.setStatus(job, 'SUCCEEDED')
    } else {
      this.failOrRetry(job, {exitCode: result.exitCode, reason: result.reason, statusReason: attempt.statusReason})
    }

    if (isMainNode(this.ctx.store, job)) this.afterMainNode(job)
    this.ctx.store.flush()
  }

  /** A multi-node parent shows its main node's status, reason, times and attempts. */
  private followMainNode(parent: JobRecord): void {
    const status = parentFollowsMain(this.ctx.store, parent)
    const main = this.ctx.store.children.get(parent.jobId)?.[(parent.spec?.nodeProperties?.mainNode as number) ?? 0]
    if (!status || !main) return
    parent.statusReason = main.statusReason
    parent.startedAt = main.startedAt
    parent.attempts = main.attempts
    this.ctx.store.touch(parent)
    if (status === parent.status) return
    this.ctx.store.setStatus(parent, status)
    if (isFinal(status)) parent.stoppedAt = this.ctx.now()
  }

  /**
   * Whether the attempt's image is ready. A runner that prepares images (a container runtime pulls missing ones)
   * does it while the job stays STARTING; an image that cannot be had ends the attempt as a start failure.
   */
  private imageReady(job: JobRecord, image: string): boolean {
    const {runner} = this.options
    if (!runner.prepare || this.prepared.delete(job.jobId)) return true
    if (this.preparing.has(job.jobId)) return false
    const attempt = job.attempts.at(-1)
    this.preparing.add(job.jobId)
    runner.prepare(image, (failure) => {
      this.preparing.delete(job.jobId)
      // Terminated, or the emulator stopping, meanwhile: that attempt is over already.
      if (this.stopping || job.status !== 'STARTING' || job.attempts.at(-1) !== attempt) return
      if (failure) this.finish(job, failure)
      else this.prepared.add(job.jobId)
    })
    // An image known to be there is ready at once (the runner answered before returning).
    return this.prepared.delete(job.jobId)
  }

  /** STARTING → RUNNING: the attempt's process starts. */
  private launch(job: JobRecord, now: number): void {
    const {store} = this.ctx
    const spec = specOf(store, job)
    const attempt = job.attempts.at(-1)!
    if (!this.imageReady(job, spec.container.image ?? '')) return
    const parent = job.parentId === undefined ? undefined : store.jobs.get(job.parentId)
    const ce = store.computeEnvironments.get(job.ceName!)
    const attemptId = attemptIdOf(job)!
    const logGroup = spec.container.logConfiguration?.options?.['awslogs-group'] ?? '/aws/batch/job'
    const platform = isFargate(ce) ? 'FARGATE' : 'EC2'
    const access = this.options.attemptAccess?.(attemptId)
    const jobEnv = attemptEnvironment(
      this.options.hostEnv,
      spec.container.environment,
      {
        arrayIndex: job.arrayIndex,
        arraySize: parent?.arraySize,
        attempt: job.attempts.length,
        ceName: job.ceName!,
        jobId: job.jobId,
        platform,
        queueName: spec.jobQueueName,
      },
      access,
    )
    const env = {...jobEnv, ...nodeVariables(store, job)}
    applyGpuEnvironment(env, this.options.gpus.of(job.jobId))
    attempt.startedAt = now
    job.startedAt = now
    this.setStatus(job, 'RUNNING')
    this.live.set(
      attemptId,
      taskMetadata({
        cluster: ce ? clusterName(ce) : 'default',
        createdAt: job.createdAt,
        image: spec.container.image ?? '',
        jobDefinitionName: spec.jobDefinitionName,
        jobDefinitionRevision: Number(spec.jobDefinitionArn.slice(spec.jobDefinitionArn.lastIndexOf(':') + 1)) || 1,
        logGroup,
        logStream: attempt.container.logStreamName!,
        memoryMiB: spec.resources.memoryMiB,
        platform,
        region: this.ctx.id.region,
        startedAt: now,
        taskArn: attempt.container.taskArn!,
        vcpus: spec.resources.vcpus,
      }),
    )
    // Made by the emulator for this attempt alone (a job's own variables cannot set it: access wins over them).
    const marker = access?.ECS_CONTAINER_METADATA_URI_V4
    const handle = this.options.runner.start(
      {
        command: spec.container.command ?? [],
        container: {
          attemptId,
          gpuIds: this.options.gpus.of(job.jobId),
          image: spec.container.image ?? '',
          jobId: job.jobId,
          properties: spec.container,
          vcpus: spec.resources.vcpus,
        },
        env,
        logGroup,
        logStream: attempt.container.logStreamName!,
        // Only this attempt's processes have it: how the ones that left its groups are found.
        marker: marker === undefined ? undefined : `ECS_CONTAINER_METADATA_URI_V4=${marker}`,
        memory: {memoryMiB: spec.resources.memoryMiB, swapMiB: swapOf(spec.container)},
        privileged: spec.container.privileged === true,
      },
      (result) => this.finish(job, result),
    )
    this.handles.set(job.jobId, handle)
    job.pid = handle.pid
    job.pidStartTime = handle.pid === undefined ? undefined : processStartTime(handle.pid)
  }

  /** RUNNABLE → STARTING: the attempt gets its place, task and log stream. */
  private placeAttempt(job: JobRecord, ce: ComputeEnvironmentRecord): void {
    const {id} = this.ctx
    const spec = specOf(this.ctx.store, job)
    const taskId = randomUUID().replaceAll('-', '')
    const prefix = spec.container.logConfiguration?.options?.['awslogs-stream-prefix'] ?? spec.jobDefinitionName
    const fargate = isFargate(ce)
    job.attempts.push({
      container: {
        containerInstanceArn: fargate
          ? undefined
          : ecsArn(id, 'container-instance', `${clusterName(ce)}/${instanceIdOf(ce)}`),
        logStreamName: `${prefix}/default/${taskId}`,
        networkInterfaces: [],
        taskArn: ecsArn(id, 'task', `${clusterName(ce)}/${taskId}`),
      },
    })
    job.ceName = ce.computeEnvironmentName
    job.statusReason = undefined
    this.setStatus(job, 'STARTING')
  }

  /**
   * A job that was STARTING or RUNNING when the last emulator process ended lost its host: its attempt ends with
   * AWS's host-lost reason and no exit code, and the retry strategy decides what follows. Processes that survived
   * that emulator are killed first.
   */
  private recover(): void {
    const {store} = this.ctx
    const now = this.ctx.now()
    for (const job of [...store.active.get('STARTING')!, ...store.active.get('RUNNING')!]) {
      if (job.pid !== undefined && job.pidStartTime !== undefined) killOrphanGroup(job.pid, job.pidStartTime)
      const reason = hostLost(
        instanceIdOf(job.ceName === undefined ? undefined : store.computeEnvironments.get(job.ceName)),
      )
      const attempt = job.attempts.at(-1)
      if (attempt) {
        attempt.stoppedAt = now
        attempt.statusReason = reason
      }

      const kill = releaseProcess(job)
      if (kill) {
        job.statusReason = kill.reason
        this.setStatus(job, 'FAILED')
      } else {
        this.failOrRetry(job, {statusReason: reason})
      }
    }

    store.flush()
  }

  /** A step that fails (a full disk, say) must not take the whole emulator down: say so, and try again next tick. */
  private safeTick(): void {
    try {
      this.tick()
    } catch (error) {
      process.stderr.write(`mfbatch emulator: Batch engine step failed: ${(error as Error).stack ?? String(error)}\n`)
    }
  }

  /** RUNNABLE jobs, higher-priority queues first and oldest first, take the free capacity they fit in. */
  private schedule(): void {
    const {store} = this.ctx
    const runnable = [...store.active.get('RUNNABLE')!]
    if (runnable.length === 0) return
    const caps = this.capacities()
    runnable.sort(dispatchOrder(store))
    for (const job of runnable) {
      const spec = specOf(store, job)
      const queue = store.jobQueues.get(spec.jobQueueName)
      // A DISABLED queue keeps its RUNNABLE jobs waiting (jobs already placed go on).
      if (!queue || queue.state !== 'ENABLED') continue
      const node = nodePlacement(store, job)
      if (node?.kind === 'hold') continue
      if (node?.kind === 'child') {
        // Its capacity was held since the main node was placed.
        this.placeAttempt(job, store.computeEnvironments.get(node.ce)!)
        continue
      }

      // Consumable resources first: a job short of its licences waits at the front, holding no capacity.
      const short = shortage(this.ctx, spec)
      if (short) {
        this.setWaitingReason(job, short)
        continue
      }

      const need = node?.kind === 'gang' ? node.need : spec.resources
      const ces = queueComputeEnvironments(this.ctx, queue)
      const placement = place(
        need,
        ces.map((ce) => caps.get(ce.computeEnvironmentName)!),
      )
      // Every compute environment offers all the machine's GPUs, so a free GPU may be held by another's job.
      const devices = placement.kind === 'place' ? this.options.gpus.take(job.jobId, spec.resources.gpus) : undefined
      if (placement.kind === 'place' && devices) {
        reserve(caps.get(placement.ce)!, need)
        consume(this.ctx, spec)
        this.placeAttempt(job, store.computeEnvironments.get(placement.ce)!)
      } else {
        this.setWaitingReason(job, placement.kind === 'never' ? MISCONFIGURED_RESOURCES : undefined)
      }
    }
  }

  /** Moves a job; final states get stoppedAt; an array parent follows its children. */
  private setStatus(job: JobRecord, status: JobStatus): void {
    const {store} = this.ctx
    store.setStatus(job, status)
    if (isFinal(status)) job.stoppedAt = this.ctx.now()
    if (job.parentId !== undefined) this.updateParent(job.parentId)
  }

  private setWaitingReason(job: JobRecord, reason: string | undefined): void {
    if (job.statusReason === reason) return
    job.statusReason = reason
    this.ctx.store.touch(job)
  }

  /**
   * An array parent is SUBMITTED, then PENDING once any child is RUNNABLE (or further), then SUCCEEDED when every
   * child succeeded, or FAILED when all have ended and one failed.
   */
  private updateParent(parentId: string): void {
    const {store} = this.ctx
    const parent = store.jobs.get(parentId)
    const counts = store.childCounts.get(parentId)
    if (!parent || !counts || isFinal(parent.status)) return
    if (parent.numNodes !== undefined) {
      this.followMainNode(parent)
      return
    }

    const size = parent.arraySize!
    let {status} = parent
    if (counts.SUCCEEDED + counts.FAILED === size) status = counts.FAILED > 0 ? 'FAILED' : 'SUCCEEDED'
    else if (counts.SUBMITTED + counts.PENDING < size) status = 'PENDING'
    if (status === parent.status) return
    store.setStatus(parent, status)
    if (isFinal(status)) parent.stoppedAt = this.ctx.now()
  }
}

/** Swap on top of MEMORY: linuxParameters.maxSwap where given; none otherwise (Docker: --memory-swap = --memory). */
function swapOf(container: ContainerProperties): number {
  const maxSwap = (container.linuxParameters as undefined | {maxSwap?: unknown})?.maxSwap
  return typeof maxSwap === 'number' && maxSwap > 0 ? maxSwap : 0
}

/** The attempt's process is gone: free its slot and return the pending kill (terminate or timeout), if any. */
function releaseProcess(job: JobRecord): JobRecord['kill'] {
  const {kill} = job
  job.kill = undefined
  job.pid = undefined
  job.pidStartTime = undefined
  job.ceName = undefined
  return kill
}
