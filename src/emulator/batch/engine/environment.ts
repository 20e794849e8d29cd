/**
 * The environment of an attempt: only PATH, HOME and LANG from the emulator (a container does not inherit its
 * host's environment), then the job's variables, then the ones AWS Batch and ECS set (they win: AWS_BATCH_ is
 * reserved; AWS_EXECUTION_ENV is AWS_ECS_EC2 or AWS_ECS_FARGATE by platform, as the ECS agent sets it), then the
 * emulator's endpoint, credentials endpoint and task metadata URIs, as ECS gives a task its role and its metadata
 * (they win too: other credentials would be refused by the emulator).
 */
import {KeyValue} from '../types'

export interface AttemptIdentity {
  arrayIndex?: number
  arraySize?: number
  /** 1-based. */
  attempt: number
  /** Set under the job's variables (the emulator's endpoint). */
  base?: Readonly<Record<string, string>>
  ceName: string
  jobId: string
  platform: 'EC2' | 'FARGATE'
  queueName: string
}

const INHERITED = ['PATH', 'HOME', 'LANG']

export function attemptEnvironment(
  host: NodeJS.ProcessEnv,
  jobEnvironment: readonly KeyValue[] | undefined,
  who: AttemptIdentity,
  access: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of INHERITED) {
    const value = host[name]
    if (value !== undefined) env[name] = value
  }

  Object.assign(env, who.base)
  for (const {name, value} of jobEnvironment ?? []) env[name] = value
  env.AWS_BATCH_JOB_ID = who.jobId
  env.AWS_BATCH_JOB_ATTEMPT = String(who.attempt)
  env.AWS_BATCH_JQ_NAME = who.queueName
  env.AWS_BATCH_CE_NAME = who.ceName
  env.AWS_EXECUTION_ENV = who.platform === 'FARGATE' ? 'AWS_ECS_FARGATE' : 'AWS_ECS_EC2'
  if (who.arrayIndex !== undefined) {
    env.AWS_BATCH_JOB_ARRAY_INDEX = String(who.arrayIndex)
    env.AWS_BATCH_JOB_ARRAY_SIZE = String(who.arraySize)
  }

  Object.assign(env, access)

  return env
}
