/** Create/Describe/Update/DeleteComputeEnvironment. */
import {randomUUID} from 'node:crypto'

import {ApiError} from '../../contract'
import {batchArn, ecsArn, nameFrom} from '../arn'
import {BatchContext, Input} from '../context'
import {ALREADY_EXISTS, CE_IN_USE, invalidResourceName, RESOURCE_NAME} from '../reasons'
import {ComputeEnvironmentRecord, Tags} from '../types'
import {describePage} from './describe-page'

/** AWS's statusReason for a healthy environment. */
export const CE_HEALTHY = 'ComputeEnvironment Healthy'

export function findComputeEnvironment(ctx: BatchContext, nameOrArn: string): ComputeEnvironmentRecord | undefined {
  return ctx.store.computeEnvironments.get(nameFrom(nameOrArn, 'compute-environment'))
}

function mustFind(ctx: BatchContext, nameOrArn: string): ComputeEnvironmentRecord {
  const ce = findComputeEnvironment(ctx, nameOrArn)
  if (!ce) throw new ApiError('ClientException', `Compute environment ${nameOrArn} does not exist.`)
  return ce
}

/** Builds a record; also used for the default environments made at first start. */
export function newComputeEnvironment(
  ctx: Pick<BatchContext, 'id'>,
  input: {
    computeEnvironmentName: string
    computeResources?: ComputeEnvironmentRecord['computeResources']
    serviceRole?: string
    state?: 'DISABLED' | 'ENABLED'
    tags?: Tags
    type: 'MANAGED' | 'UNMANAGED'
    unmanagedvCpus?: number
  },
): ComputeEnvironmentRecord {
  const uuid = randomUUID()
  const name = input.computeEnvironmentName
  return {
    computeEnvironmentArn: batchArn(ctx.id, 'compute-environment', name),
    computeEnvironmentName: name,
    computeResources: input.computeResources,
    ecsClusterArn: ecsArn(ctx.id, 'cluster', `${name}_Batch_${uuid}`),
    serviceRole: input.serviceRole,
    state: input.state ?? 'ENABLED',
    // Nothing to provision locally: an environment is usable as soon as it exists.
    status: 'VALID',
    statusReason: CE_HEALTHY,
    tags: input.tags ?? {},
    type: input.type,
    unmanagedvCpus: input.unmanagedvCpus,
    uuid,
  }
}

export function createComputeEnvironment(ctx: BatchContext, input: Input): unknown {
  const name = input.computeEnvironmentName as string
  if (!RESOURCE_NAME.test(name)) {
    throw new ApiError('ClientException', invalidResourceName('Compute environment name', name))
  }

  if (ctx.store.computeEnvironments.has(name)) throw new ApiError('ClientException', ALREADY_EXISTS)
  const type = input.type as 'MANAGED' | 'UNMANAGED'
  if (type === 'MANAGED' && input.computeResources === undefined) {
    throw new ApiError('ClientException', 'computeResources must be provided for a MANAGED compute environment.')
  }

  const ce = newComputeEnvironment(ctx, {
    computeEnvironmentName: name,
    computeResources: input.computeResources as ComputeEnvironmentRecord['computeResources'],
    serviceRole: input.serviceRole as string | undefined,
    state: input.state as 'DISABLED' | 'ENABLED' | undefined,
    tags: input.tags as Tags | undefined,
    type,
    unmanagedvCpus: input.unmanagedvCpus as number | undefined,
  })
  ctx.store.computeEnvironments.set(name, ce)
  ctx.store.saveControl()
  return {computeEnvironmentArn: ce.computeEnvironmentArn, computeEnvironmentName: name}
}

export function describeComputeEnvironments(ctx: BatchContext, input: Input): unknown {
  const page = describePage([...ctx.store.computeEnvironments.values()], input, 'computeEnvironments', (ce) => [
    ce.computeEnvironmentName,
    ce.computeEnvironmentArn,
  ])
  return {computeEnvironments: page.items.map((ce) => render(ce)), nextToken: page.nextToken}
}

function render(ce: ComputeEnvironmentRecord): Record<string, unknown> {
  const {uuid, ...rest} = ce
  return {...rest, containerOrchestrationType: 'ECS', uuid}
}

export function updateComputeEnvironment(ctx: BatchContext, input: Input): unknown {
  const ce = mustFind(ctx, input.computeEnvironment as string)
  if (input.state !== undefined) ce.state = input.state as 'DISABLED' | 'ENABLED'
  if (input.serviceRole !== undefined) ce.serviceRole = input.serviceRole as string
  if (input.unmanagedvCpus !== undefined) ce.unmanagedvCpus = input.unmanagedvCpus as number
  // AWS merges computeResources: only the members sent change.
  if (input.computeResources !== undefined) {
    ce.computeResources = {...ce.computeResources, ...(input.computeResources as Record<string, unknown>)}
  }

  ctx.store.saveControl()
  return {computeEnvironmentArn: ce.computeEnvironmentArn, computeEnvironmentName: ce.computeEnvironmentName}
}

export function deleteComputeEnvironment(ctx: BatchContext, input: Input): unknown {
  const ce = mustFind(ctx, input.computeEnvironment as string)
  const inUse = [...ctx.store.jobQueues.values()].some((q) =>
    q.computeEnvironmentOrder.some(
      (o) => nameFrom(o.computeEnvironment, 'compute-environment') === ce.computeEnvironmentName,
    ),
  )
  if (inUse) throw new ApiError('ClientException', CE_IN_USE)
  if (ce.state !== 'DISABLED') {
    throw new ApiError(
      'ClientException',
      `Compute environment ${ce.computeEnvironmentName} must be DISABLED before it is deleted.`,
    )
  }

  ctx.store.computeEnvironments.delete(ce.computeEnvironmentName)
  ctx.store.saveControl()
  return {}
}
