/**
 * What an attempt's ECS task metadata endpoint (version 4) answers: `${ECS_CONTAINER_METADATA_URI_V4}` the
 * container's own metadata, `${ECS_CONTAINER_METADATA_URI_V4}/task` the task's with its one container. The shape
 * follows AWS's "Amazon ECS task metadata v4 examples" and "task metadata V4 JSON response" pages of the ECS
 * developer guide; SDKs and Metaflow read LogOptions (awslogs-group, -region, -stream), Limits and TaskARN from it.
 * No image runs here, so DockerId and ImageID are made up, stable per attempt and image.
 */
import {createHash} from 'node:crypto'

export interface TaskFacts {
  /** ECS cluster name of the compute environment. */
  cluster: string
  createdAt: number
  image: string
  jobDefinitionName: string
  jobDefinitionRevision: number
  logGroup: string
  logStream: string
  memoryMiB: number
  platform: 'EC2' | 'FARGATE'
  region: string
  startedAt: number
  taskArn: string
  vcpus: number
}

export interface TaskMetadata {
  container: Record<string, unknown>
  task: Record<string, unknown>
}

const hex = (text: string): string => createHash('sha256').update(text).digest('hex')
const at = (ms: number): string => new Date(ms).toISOString()

/** AWS Batch's container name in the tasks it makes. */
const CONTAINER_NAME = 'default'

export function taskMetadata(facts: TaskFacts): TaskMetadata {
  const taskId = facts.taskArn.slice(facts.taskArn.lastIndexOf('/') + 1)
  const family = facts.jobDefinitionName
  const revision = String(facts.jobDefinitionRevision)
  const container = {
    ContainerARN: facts.taskArn.replace(':task/', ':container/') + `/${hex(`${taskId}/container`).slice(0, 36)}`,
    CreatedAt: at(facts.createdAt),
    DesiredStatus: 'RUNNING',
    DockerId: hex(`${taskId}/docker`),
    DockerName: `ecs-${family}-${revision}-${CONTAINER_NAME}-${hex(taskId).slice(0, 20)}`,
    Image: facts.image,
    ImageID: `sha256:${hex(`image:${facts.image}`)}`,
    KnownStatus: 'RUNNING',
    Labels: {
      'com.amazonaws.ecs.cluster': facts.cluster,
      'com.amazonaws.ecs.container-name': CONTAINER_NAME,
      'com.amazonaws.ecs.task-arn': facts.taskArn,
      'com.amazonaws.ecs.task-definition-family': family,
      'com.amazonaws.ecs.task-definition-version': revision,
    },
    // Container limits: CPU in CPU units (1024 a vCPU), memory in MiB.
    Limits: {CPU: Math.round(facts.vcpus * 1024), Memory: facts.memoryMiB},
    LogDriver: 'awslogs',
    LogOptions: {
      'awslogs-group': facts.logGroup,
      'awslogs-region': facts.region,
      'awslogs-stream': facts.logStream,
    },
    Name: CONTAINER_NAME,
    Networks: [{IPv4Addresses: ['127.0.0.1'], NetworkMode: facts.platform === 'FARGATE' ? 'awsvpc' : 'host'}],
    StartedAt: at(facts.startedAt),
    Type: 'NORMAL',
  }
  const task = {
    AvailabilityZone: `${facts.region}a`,
    Cluster: facts.cluster,
    Containers: [container],
    DesiredStatus: 'RUNNING',
    Family: family,
    KnownStatus: 'RUNNING',
    LaunchType: facts.platform,
    // Task limits: CPU in vCPUs, memory in MiB.
    Limits: {CPU: facts.vcpus, Memory: facts.memoryMiB},
    PullStartedAt: at(facts.createdAt),
    PullStoppedAt: at(facts.createdAt),
    Revision: revision,
    TaskARN: facts.taskArn,
  }
  return {container, task}
}
