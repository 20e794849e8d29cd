/**
 * The records the emulated Batch service keeps. Request and response members use AWS's names (Batch API
 * 2016-08-10) so records render to responses with little mapping. These are our own types on purpose: only the
 * emulator's tests import the AWS SDK (DESIGN.md section 1).
 */

export type JobStatus = 'FAILED' | 'PENDING' | 'RUNNABLE' | 'RUNNING' | 'STARTING' | 'SUBMITTED' | 'SUCCEEDED'

export const JOB_STATUSES: readonly JobStatus[] = [
  'SUBMITTED',
  'PENDING',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
]

export const isFinal = (status: JobStatus): boolean => status === 'SUCCEEDED' || status === 'FAILED'

/** Array and multi-node parents: they never run themselves, their children or nodes do. */
export const isParentJob = (job: {arraySize?: number; numNodes?: number}): boolean =>
  job.arraySize !== undefined || job.numNodes !== undefined

export type Tags = Record<string, string>

export interface KeyValue {
  name: string
  value: string
}

export interface ResourceRequirement {
  type: 'GPU' | 'MEMORY' | 'VCPU' | string
  value: string
}

export interface EvaluateOnExit {
  action: string
  onExitCode?: string
  onReason?: string
  onStatusReason?: string
}

export interface RetryStrategy {
  attempts?: number
  evaluateOnExit?: EvaluateOnExit[]
}

export interface JobTimeout {
  attemptDurationSeconds?: number
}

export interface JobDependency {
  jobId?: string
  type?: 'N_TO_N' | 'SEQUENTIAL' | string
}

/** ContainerProperties as registered; kept as given, so unknown members survive a round trip. */
export interface ContainerProperties {
  [member: string]: unknown
  command?: string[]
  environment?: KeyValue[]
  executionRoleArn?: string
  image?: string
  jobRoleArn?: string
  logConfiguration?: {logDriver?: string; options?: Record<string, string>}
  memory?: number
  resourceRequirements?: ResourceRequirement[]
  vcpus?: number
}

export interface ContainerOverrides {
  command?: string[]
  environment?: KeyValue[]
  instanceType?: string
  memory?: number
  resourceRequirements?: ResourceRequirement[]
  vcpus?: number
}

export interface ComputeEnvironmentRecord {
  computeEnvironmentArn: string
  computeEnvironmentName: string
  computeResources?: Record<string, unknown> & {maxvCpus?: number; type?: string}
  /** Part of the ECS cluster name; fixed at creation so ARNs stay stable across restarts. */
  ecsClusterArn: string
  serviceRole?: string
  state: 'DISABLED' | 'ENABLED'
  status: string
  statusReason: string
  tags: Tags
  type: 'MANAGED' | 'UNMANAGED'
  unmanagedvCpus?: number
  uuid: string
}

export interface ComputeEnvironmentOrder {
  computeEnvironment: string
  order: number
}

/** A consumable resource (licences, tokens): a count jobs hold while STARTING or RUNNING. */
export interface ConsumableResourceRecord {
  consumableResourceArn: string
  consumableResourceName: string
  createdAt: number
  /** REPLENISHABLE (given back when the job ends) or NON_REPLENISHABLE (used up when it starts). */
  resourceType: 'NON_REPLENISHABLE' | 'REPLENISHABLE'
  tags: Tags
  totalQuantity: number
}

/** What a job needs of each consumable resource, by the resource's name. */
export interface ConsumableNeed {
  consumableResource: string
  quantity: number
}

export interface JobQueueRecord {
  computeEnvironmentOrder: ComputeEnvironmentOrder[]
  jobQueueArn: string
  jobQueueName: string
  jobStateTimeLimitActions?: unknown[]
  priority: number
  schedulingPolicyArn?: string
  state: 'DISABLED' | 'ENABLED'
  status: string
  statusReason: string
  tags: Tags
}

export interface JobDefinitionRecord {
  [member: string]: unknown
  containerOrchestrationType: 'ECS'
  containerProperties?: ContainerProperties
  jobDefinitionArn: string
  jobDefinitionName: string
  parameters: Record<string, string>
  platformCapabilities: string[]
  propagateTags?: boolean
  retryStrategy?: RetryStrategy
  revision: number
  status: 'ACTIVE' | 'INACTIVE'
  tags: Tags
  timeout?: JobTimeout
  type: string
}

/** What a vCPU/memory/GPU scheduler needs to know about a job. */
export interface Resources {
  gpus: number
  memoryMiB: number
  vcpus: number
}

/** The immutable part of a job, fixed at SubmitJob; array children read their parent's. */
export interface JobSpec {
  /** Consumable resources the job holds while it runs (definition, or the submit's override); absent: none. */
  consumables?: ConsumableNeed[]
  /** The container as AWS shows it in DescribeJobs: definition properties with the overrides applied. */
  container: ContainerProperties
  jobDefinitionArn: string
  jobDefinitionName: string
  jobName: string
  jobQueueArn: string
  jobQueueName: string
  /** A multi-node parent: its NodeProperties as DescribeJobs shows them (overrides applied). */
  nodeProperties?: Record<string, unknown>
  parameters: Record<string, string>
  platformCapabilities: string[]
  propagateTags?: boolean
  resources: Resources
  retryStrategy?: RetryStrategy
  timeout?: JobTimeout
}

export interface AttemptRecord {
  container: {
    containerInstanceArn?: string
    exitCode?: number
    logStreamName?: string
    networkInterfaces: unknown[]
    reason?: string
    taskArn?: string
  }
  startedAt?: number
  statusReason?: string
  stoppedAt?: number
}

/**
 * One job: a plain job, an array parent or an array child. Children keep only what differs from the parent,
 * so a 10,000-child array costs little memory and little journal.
 */
export interface JobRecord {
  /** Array children: the index. Parents: the size. */
  arrayIndex?: number
  arraySize?: number
  attempts: AttemptRecord[]
  /** Where the current attempt is placed (STARTING, RUNNING). */
  ceName?: string
  createdAt: number
  /** What this job waits on, as concrete job ids (N_TO_N and SEQUENTIAL already resolved for children). */
  dependsOn: JobDependency[]
  isCancelled?: boolean
  isTerminated?: boolean
  jobArn: string
  jobId: string
  /** Set while a kill is under way: why, when SIGTERM went out, whether SIGKILL followed (after the grace period). */
  kill?: {forced?: boolean; reason: string; sentAt: number; why: 'terminate' | 'timeout'}
  /** Multi-node jobs: a node's index (nodes have their own spec and their parent's id). */
  nodeIndex?: number
  /** Multi-node jobs: the parent's node count. The parent never runs; its nodes do. */
  numNodes?: number
  parentId?: string
  /** The process group leader of the running attempt and its start time, to find orphans after a crash. */
  pid?: number
  pidStartTime?: string
  /** A child node killed because its main node is retried: it goes back to RUNNABLE when its process ends. */
  restartWithMain?: boolean
  /** Submission order; stable paging cursor for ListJobs. */
  seq: number
  spec?: JobSpec
  startedAt?: number
  status: JobStatus
  statusReason?: string
  stoppedAt?: number
  tags: Tags
}
