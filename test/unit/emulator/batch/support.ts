/** Test doubles for the Batch service: a settable clock, a runner whose attempts the test ends, logs in memory. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

import type {
  AttemptHandle,
  AttemptResult,
  AttemptRunner,
  AttemptSpec,
} from '../../../../src/emulator/batch/engine/runner'
import type {LogSink} from '../../../../src/emulator/contract'

import {BatchService, createBatchService} from '../../../../src/emulator/batch'

export class Clock {
  now = (): number => this.t

  constructor(public t = 1_700_000_000_000) {}

  advance(ms: number): void {
    this.t += ms
  }
}

export interface FakeAttempt {
  exit(result: AttemptResult): void
  signals: NodeJS.Signals[]
  spec: AttemptSpec
}

/** Attempts never run anything: the test decides when and how each one ends. */
export class FakeRunner implements AttemptRunner {
  readonly attempts: FakeAttempt[] = []
  private nextPid = 1000

  /** The latest attempt whose env has AWS_BATCH_JOB_ID = jobId. */
  of(jobId: string): FakeAttempt {
    const found = this.attempts.findLast((a) => a.spec.env.AWS_BATCH_JOB_ID === jobId)
    if (!found) throw new Error(`no attempt for ${jobId}`)
    return found
  }

  start(spec: AttemptSpec, onExit: (result: AttemptResult) => void): AttemptHandle {
    let ended = false
    const exit = (result: AttemptResult): void => {
      if (ended) return
      ended = true
      onExit(result)
    }

    const attempt: FakeAttempt = {exit, signals: [], spec}
    this.attempts.push(attempt)
    return {
      // A pid no process has: the orphan check on restart must find nothing to kill.
      pid: 2 ** 22 + this.nextPid++,
      signal(signal) {
        attempt.signals.push(signal)
        // SIGKILL cannot be ignored: the attempt ends (soon after, as a real one would).
        if (signal === 'SIGKILL') queueMicrotask(() => exit({exitCode: 137}))
      },
    }
  }
}

export class MemoryLogs implements LogSink {
  readonly ended = new Set<string>()
  readonly events = new Map<string, Array<{message: string; timestamp: number}>>()

  append(group: string, stream: string, events: ReadonlyArray<{message: string; timestamp: number}>): void {
    this.ensureStream(group, stream)
    this.events.get(`${group} ${stream}`)!.push(...events)
  }

  endStream(group: string, stream: string): void {
    this.ended.add(`${group} ${stream}`)
  }

  ensureStream(group: string, stream: string): void {
    if (!this.events.has(`${group} ${stream}`)) this.events.set(`${group} ${stream}`, [])
  }

  messages(group: string, stream: string): string[] {
    return (this.events.get(`${group} ${stream}`) ?? []).map((e) => e.message)
  }
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-batch-test-'))

/** The parts of AWS's response shapes the tests read. */
export interface AttemptView {
  container: {
    containerInstanceArn?: string
    exitCode?: number
    logStreamName?: string
    reason?: string
    taskArn: string
  }
  startedAt?: number
  statusReason?: string
  stoppedAt?: number
}

export interface JobView {
  arrayProperties?: {index?: number; size?: number; statusSummary?: Record<string, number>}
  attempts: AttemptView[]
  container: {command?: string[]; exitCode?: number; logStreamName?: string; reason?: string}
  isCancelled?: boolean
  isTerminated?: boolean
  jobArn: string
  jobId: string
  jobName: string
  jobQueue: string
  parameters: Record<string, string>
  propagateTags?: boolean
  startedAt?: number
  status: string
  statusReason?: string
  stoppedAt?: number
}

export interface CeView {
  computeEnvironmentArn: string
  computeEnvironmentName: string
  computeResources: Record<string, unknown>
  state: string
  status: string
  type: string
}

export interface QueueView {
  jobQueueName: string
  priority: number
  state: string
}

export interface DefinitionView {
  jobDefinitionName: string
  revision: number
  status: string
}

export interface Responses {
  DescribeComputeEnvironments: {computeEnvironments: CeView[]; nextToken?: string}
  DescribeJobDefinitions: {jobDefinitions: DefinitionView[]; nextToken?: string}
  DescribeJobQueues: {jobQueues: QueueView[]; nextToken?: string}
  DescribeJobs: {jobs: JobView[]}
  ListJobs: {jobSummaryList: JobView[]; nextToken?: string}
  ListTagsForResource: {tags: Record<string, string>}
  RegisterJobDefinition: {jobDefinitionArn: string; jobDefinitionName: string; revision: number}
  SubmitJob: {jobArn: string; jobId: string; jobName: string}
}

export interface Harness {
  call<Op extends string>(
    op: Op,
    input: Record<string, unknown>,
  ): Promise<Op extends keyof Responses ? Responses[Op] : unknown>
  clock: Clock
  dir: string
  logs: MemoryLogs
  runner: FakeRunner
  service: BatchService
  /** n engine steps, the clock moving `stepMs` before each. */
  ticks(n: number, stepMs?: number): void
}

export async function harness(
  options: {capacity?: {gpus?: number; memoryMiB: number; vcpus: number}; dir?: string; killGraceMs?: number} = {},
): Promise<Harness> {
  const clock = new Clock()
  const logs = new MemoryLogs()
  const runner = new FakeRunner()
  const dir = options.dir ?? tempDir()
  const service = createBatchService({
    accountId: '000000000000',
    capacity: options.capacity ?? {memoryMiB: 8192, vcpus: 4},
    hostEnv: {HOME: '/home/test', LANG: 'C.UTF-8', PATH: '/usr/bin:/bin', SECRET: 'not passed on'},
    killGraceMs: options.killGraceMs ?? 30_000,
    logs,
    now: clock.now,
    region: 'us-east-1',
    runner,
    stateDir: dir,
    tickMs: 0,
  })
  await service.start!()
  return {
    // The handlers' answers are shaped as AWS's; the tests read them through the views above.
    call: async (op, input) => service.operations[op](input) as never,
    clock,
    dir,
    logs,
    runner,
    service,
    ticks(n, stepMs = 100) {
      for (let i = 0; i < n; i++) {
        clock.advance(stepMs)
        service.tick()
      }
    },
  }
}

/** A definition with a command and 1 vCPU / 512 MiB, registered as `name`. */
export async function register(
  h: Harness,
  name = 'jd',
  extra: Record<string, unknown> = {},
): Promise<Responses['RegisterJobDefinition']> {
  return h.call('RegisterJobDefinition', {
    containerProperties: {
      command: ['echo', 'hello'],
      image: 'busybox',
      resourceRequirements: [
        {type: 'VCPU', value: '1'},
        {type: 'MEMORY', value: '512'},
      ],
    },
    jobDefinitionName: name,
    type: 'container',
    ...extra,
  })
}

export async function describe1(h: Harness, jobId: string): Promise<JobView> {
  return (await h.call('DescribeJobs', {jobs: [jobId]})).jobs[0]
}

export async function describeMany(h: Harness, jobIds: string[]): Promise<JobView[]> {
  return (await h.call('DescribeJobs', {jobs: jobIds})).jobs
}
