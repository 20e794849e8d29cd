/** The few response fields the peer tests read, as AWS's clients hand them back. */
export interface JobDetail {
  container?: {exitCode?: number; logStreamName?: string; reason?: string}
  jobId: string
  jobName: string
  status: string
  statusReason?: string
}

export interface JobSummary {
  jobId: string
  jobName: string
  status: string
}

export interface JobQueue {
  computeEnvironmentOrder: Array<{computeEnvironment: string; order: number}>
  jobQueueName: string
  state: string
  status: string
}

export interface ComputeEnvironment {
  computeEnvironmentName: string
  computeResources?: {type: string}
  state: string
  status: string
}

/** A new state dir's two queues, as either client lists them: names, state, status, how many environments. */
export function expectDefaultQueues(jobQueues: JobQueue[]): void {
  const queues = jobQueues.map((q) => [q.jobQueueName, q.state, q.status, q.computeEnvironmentOrder.length])
  expect(queues.sort()).toEqual([
    ['local', 'ENABLED', 'VALID', 1],
    ['local-fargate', 'ENABLED', 'VALID', 1],
  ])
}

/** A new state dir's two compute environments: EC2 and FARGATE, both ENABLED and VALID. */
export function expectDefaultComputeEnvironments(computeEnvironments: ComputeEnvironment[]): void {
  const envs = computeEnvironments.map((ce) => [
    ce.computeEnvironmentName,
    ce.state,
    ce.status,
    ce.computeResources?.type,
  ])
  expect(envs.sort()).toEqual([
    ['local-ec2', 'ENABLED', 'VALID', 'EC2'],
    ['local-fargate', 'ENABLED', 'VALID', 'FARGATE'],
  ])
}

export interface FilteredEvent {
  eventId: string
  logStreamName: string
  message: string
  timestamp: number
}

/** The job definition both clients register: the command travels in the submit's containerOverrides. */
export function definitionInput(name: string): Record<string, unknown> {
  return {
    containerProperties: {
      command: ['echo', 'from-the-definition'],
      image: 'public.ecr.aws/docker/library/busybox:latest',
      resourceRequirements: [
        {type: 'VCPU', value: '1'},
        {type: 'MEMORY', value: '512'},
      ],
    },
    jobDefinitionName: name,
    type: 'container',
  }
}

export const TERMINAL = ['SUCCEEDED', 'FAILED']
export const DEFAULT_LOG_GROUP = '/aws/batch/job'
