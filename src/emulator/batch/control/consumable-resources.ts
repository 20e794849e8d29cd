/**
 * Consumable resources (licences, tokens, connections): Create/Describe/List/Update/DeleteConsumableResource and
 * ListJobsByConsumableResource. A job's share is held from STARTING until it ends ("Resources are locked once the
 * job moves to STARTING and are then unlocked when the job moves to SUCCEEDED or FAILED"); a NON_REPLENISHABLE
 * resource's share is taken off its total for good when the job starts. The engine asks `shortage` before placing.
 */
import {ApiError} from '../../contract'
import {batchArn, nameFrom} from '../arn'
import {BatchContext, Input} from '../context'
import {specOf} from '../jobs/render'
import {pageByOffset} from '../paging'
import {ALREADY_EXISTS} from '../reasons'
import {ConsumableNeed, ConsumableResourceRecord, JobRecord, JobSpec, Tags} from '../types'

const RESOURCE_TYPES = new Set(['NON_REPLENISHABLE', 'REPLENISHABLE'])

/** (emulator wording) */
export const consumableNotFound = (name: string): string => `Consumable resource ${name} not found.`

/** Why a job waits for a consumable resource, in its statusReason. (emulator wording) */
export const waitingFor = (need: ConsumableNeed, available: number): string =>
  `CONSUMABLE_RESOURCE: waiting for ${need.quantity} of consumable resource ${need.consumableResource} ` +
  `(${available} available) (emulator wording)`

export function findConsumable(ctx: BatchContext, nameOrArn: string): ConsumableResourceRecord | undefined {
  return ctx.store.consumableResources.get(nameFrom(nameOrArn, 'consumable-resource'))
}

function mustFind(ctx: BatchContext, nameOrArn: string): ConsumableResourceRecord {
  const found = findConsumable(ctx, nameOrArn)
  if (!found) throw new ApiError('ClientException', consumableNotFound(nameOrArn))
  return found
}

const holds = (job: JobRecord): boolean => job.status === 'STARTING' || job.status === 'RUNNING'

/** What the STARTING and RUNNING jobs hold of `name`. */
export function inUse(ctx: BatchContext, name: string): number {
  let used = 0
  for (const status of ['STARTING', 'RUNNING'] as const) {
    for (const job of ctx.store.active.get(status)!) {
      if (!holds(job)) continue
      for (const need of specOf(ctx.store, job).consumables ?? [])
        if (need.consumableResource === name) used += need.quantity
    }
  }

  return used
}

function available(ctx: BatchContext, resource: ConsumableResourceRecord) {
  // A non-replenishable share left the total when its job started; only a replenishable one is held.
  const held = resource.resourceType === 'REPLENISHABLE' ? inUse(ctx, resource.consumableResourceName) : 0
  return Math.max(0, resource.totalQuantity - held)
}

/** The first need the resources cannot meet now, as a statusReason; undefined when the job may start. */
export function shortage(ctx: BatchContext, spec: JobSpec): string | undefined {
  for (const need of spec.consumables ?? []) {
    const resource = ctx.store.consumableResources.get(need.consumableResource)
    const free = resource ? available(ctx, resource) : 0
    if (free < need.quantity) return waitingFor(need, free)
  }

  return undefined
}

/** A job starts: a NON_REPLENISHABLE share is used up (the total goes down and stays down). */
export function consume(ctx: BatchContext, spec: JobSpec): void {
  let changed = false
  for (const need of spec.consumables ?? []) {
    const resource = ctx.store.consumableResources.get(need.consumableResource)
    if (resource?.resourceType !== 'NON_REPLENISHABLE') continue
    resource.totalQuantity = Math.max(0, resource.totalQuantity - need.quantity)
    changed = true
  }

  if (changed) ctx.store.saveControl()
}

/** A submit's needs by resource name; an unknown resource or a quantity below 1 is refused. */
export function resolveNeeds(ctx: BatchContext, list: unknown): ConsumableNeed[] | undefined {
  const needs = (list as Array<{consumableResource?: string; quantity?: number}> | undefined) ?? []
  if (needs.length === 0) return undefined
  return needs.map((need) => {
    const resource = mustFind(ctx, need.consumableResource ?? '')
    const quantity = need.quantity ?? 1
    if (!(quantity >= 1)) throw new ApiError('ClientException', 'quantity must be at least 1. (emulator wording)')
    return {consumableResource: resource.consumableResourceName, quantity}
  })
}

export function createConsumableResource(ctx: BatchContext, input: Input): unknown {
  const name = input.consumableResourceName as string
  if (!/^[\w-]{1,128}$/.test(name)) {
    throw new ApiError('ClientException', 'consumableResourceName must be 1-128 letters, digits, - or _.')
  }

  if (ctx.store.consumableResources.has(name)) throw new ApiError('ClientException', ALREADY_EXISTS)
  const resourceType = (input.resourceType as string | undefined) ?? 'REPLENISHABLE'
  if (!RESOURCE_TYPES.has(resourceType)) {
    throw new ApiError('ClientException', `resourceType must be REPLENISHABLE or NON_REPLENISHABLE.`)
  }

  const totalQuantity = (input.totalQuantity as number | undefined) ?? 0
  if (totalQuantity < 0) throw new ApiError('ClientException', 'totalQuantity must be non-negative.')
  const record: ConsumableResourceRecord = {
    consumableResourceArn: batchArn(ctx.id, 'consumable-resource', name),
    consumableResourceName: name,
    createdAt: ctx.now(),
    resourceType: resourceType as ConsumableResourceRecord['resourceType'],
    tags: (input.tags as Tags | undefined) ?? {},
    totalQuantity,
  }
  ctx.store.consumableResources.set(name, record)
  ctx.store.saveControl()
  return {consumableResourceArn: record.consumableResourceArn, consumableResourceName: name}
}

export function describeConsumableResource(ctx: BatchContext, input: Input): unknown {
  const resource = mustFind(ctx, input.consumableResource as string)
  const used = inUse(ctx, resource.consumableResourceName)
  return {
    availableQuantity: available(ctx, resource),
    consumableResourceArn: resource.consumableResourceArn,
    consumableResourceName: resource.consumableResourceName,
    createdAt: resource.createdAt,
    inUseQuantity: used,
    resourceType: resource.resourceType,
    tags: resource.tags,
    totalQuantity: resource.totalQuantity,
  }
}

export function listConsumableResources(ctx: BatchContext, input: Input) {
  const all = [...ctx.store.consumableResources.values()]
  const page = pageByOffset(all, input.maxResults as number | undefined, input.nextToken as string | undefined, 100)
  return {
    consumableResources: page.items.map((r) => ({
      consumableResourceArn: r.consumableResourceArn,
      consumableResourceName: r.consumableResourceName,
      inUseQuantity: inUse(ctx, r.consumableResourceName),
      resourceType: r.resourceType,
      totalQuantity: r.totalQuantity,
    })),
    ...(page.nextToken ? {nextToken: page.nextToken} : {}),
  }
}

/** SET, ADD or REMOVE `quantity` (AWS's operations), on the total. */
export function updateConsumableResource(ctx: BatchContext, input: Input): unknown {
  const resource = mustFind(ctx, input.consumableResource as string)
  const operation = (input.operation as string | undefined) ?? 'SET'
  const quantity = (input.quantity as number | undefined) ?? 0
  const next =
    operation === 'SET'
      ? quantity
      : operation === 'ADD'
        ? resource.totalQuantity + quantity
        : operation === 'REMOVE'
          ? resource.totalQuantity - quantity
          : Number.NaN
  if (Number.isNaN(next)) throw new ApiError('ClientException', 'operation must be SET, ADD or REMOVE.')
  if (next < 0) throw new ApiError('ClientException', 'totalQuantity must be non-negative.')
  resource.totalQuantity = next
  ctx.store.saveControl()
  return {
    consumableResourceArn: resource.consumableResourceArn,
    consumableResourceName: resource.consumableResourceName,
    totalQuantity: next,
  }
}

export function deleteConsumableResource(ctx: BatchContext, input: Input): unknown {
  const resource = mustFind(ctx, input.consumableResource as string)
  ctx.store.consumableResources.delete(resource.consumableResourceName)
  ctx.store.saveControl()
  return {}
}

/** The jobs that need the resource, any status, newest first. */
export function listJobsByConsumableResource(ctx: BatchContext, input: Input) {
  const resource = mustFind(ctx, input.consumableResource as string)
  const name = resource.consumableResourceName
  const jobs = [...ctx.store.jobs.values()]
    .filter((job) => job.arraySize === undefined || job.arrayIndex !== undefined)
    .filter((job) => (specOf(ctx.store, job).consumables ?? []).some((need) => need.consumableResource === name))
    .sort((a, b) => b.seq - a.seq)
  const page = pageByOffset(jobs, input.maxResults as number | undefined, input.nextToken as string | undefined, 100)
  return {
    jobs: page.items.map((job) => {
      const spec = specOf(ctx.store, job)
      return {
        consumableResourceProperties: {consumableResourceList: spec.consumables},
        createdAt: job.createdAt,
        jobArn: job.jobArn,
        jobDefinitionArn: spec.jobDefinitionArn,
        jobName: spec.jobName,
        jobQueueArn: spec.jobQueueArn,
        jobStatus: job.status,
        quantity: spec.consumables!.find((need) => need.consumableResource === name)!.quantity,
        ...(job.startedAt === undefined ? {} : {startedAt: job.startedAt}),
        ...(job.statusReason === undefined ? {} : {statusReason: job.statusReason}),
      }
    }),
    ...(page.nextToken ? {nextToken: page.nextToken} : {}),
  }
}
