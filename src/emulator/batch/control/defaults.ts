/**
 * What a new state dir starts with: compute environment `local-ec2` (EC2) behind queue `local`, and
 * `local-fargate` (FARGATE) behind queue `local-fargate`, both ENABLED and VALID, each as large as the capacity
 * the emulator was given.
 */
import {EMULATOR_DEFAULT_QUEUE} from '../../contract'
import {BatchContext} from '../context'
import {newComputeEnvironment} from './compute-environments'
import {newJobQueue} from './queues'

export const DEFAULT_ENVIRONMENTS = [
  {ce: 'local-ec2', queue: EMULATOR_DEFAULT_QUEUE, type: 'EC2'},
  {ce: 'local-fargate', queue: 'local-fargate', type: 'FARGATE'},
] as const

export function createDefaults(ctx: BatchContext): void {
  for (const {ce: name, queue, type} of DEFAULT_ENVIRONMENTS) {
    const ce = newComputeEnvironment(ctx, {
      computeEnvironmentName: name,
      computeResources: {
        maxvCpus: ctx.capacity.vcpus,
        securityGroupIds: [],
        subnets: [],
        type,
        ...(type === 'EC2' ? {desiredvCpus: 0, instanceTypes: ['optimal'], minvCpus: 0} : {}),
      },
      type: 'MANAGED',
    })
    ctx.store.computeEnvironments.set(name, ce)
    ctx.store.jobQueues.set(
      queue,
      newJobQueue(ctx, {
        computeEnvironmentOrder: [{computeEnvironment: ce.computeEnvironmentArn, order: 1}],
        jobQueueName: queue,
        priority: 1,
      }),
    )
  }

  ctx.store.saveControl()
}
