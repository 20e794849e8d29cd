/**
 * RegisterJobDefinition, DescribeJobDefinitions, DeregisterJobDefinition, and how a job's `jobDefinition` member
 * (name, name:revision or ARN) finds a revision.
 */
import {ApiError} from '../../contract'
import {batchArn, parseBatchArn} from '../arn'
import {BatchContext, Input} from '../context'
import {checkNodeProperties, type NodeProperties} from '../jobs/node-ranges'
import {checkResourceRequirements} from '../jobs/spec'
import {pageByOffset} from '../paging'
import {bothSet, definitionNameNotFound, definitionNotFound, definitionPatternRejected} from '../reasons'
import {ContainerProperties, JobDefinitionRecord} from '../types'

const NAME = /^[A-Za-z0-9_-]{1,128}$/
const NAME_REVISION = /^([A-Za-z0-9_-]{1,128}):(\d+)$/

/** The request members a definition keeps as given (everything but the name, which becomes the ARN). */
const KEPT = [
  'consumableResourceProperties',
  'containerProperties',
  'ecsProperties',
  'eksProperties',
  'nodeProperties',
  'parameters',
  'platformCapabilities',
  'propagateTags',
  'retryStrategy',
  'schedulingPriority',
  'tags',
  'timeout',
  'type',
]

export type DefinitionRef =
  {kind: 'invalid'} | {kind: 'latest'; name: string} | {kind: 'revision'; name: string; revision: number}

/** Reads a `jobDefinition` member: a name, name:revision, or an ARN (which always names a revision). */
export function parseDefinitionRef(value: string): DefinitionRef {
  const arn = parseBatchArn(value)
  const body = arn ? (arn.resource === 'job-definition' ? arn.rest : '') : value
  const withRevision = NAME_REVISION.exec(body)
  if (withRevision) return {kind: 'revision', name: withRevision[1], revision: Number(withRevision[2])}
  if (!arn && NAME.test(body)) return {kind: 'latest', name: body}
  return {kind: 'invalid'}
}

/** The ACTIVE revision a job uses, or the ClientException AWS gives. */
export function resolveDefinition(ctx: BatchContext, value: string): JobDefinitionRecord {
  const ref = parseDefinitionRef(value)
  if (ref.kind === 'invalid') throw new ApiError('ClientException', definitionPatternRejected(value))
  const revisions = ctx.store.jobDefinitions.get(ref.name) ?? []
  if (ref.kind === 'latest') {
    const latest = revisions.findLast((d) => d.status === 'ACTIVE')
    if (!latest) throw new ApiError('ClientException', definitionNameNotFound(value))
    return latest
  }

  const found = revisions.find((d) => d.revision === ref.revision && d.status === 'ACTIVE')
  if (!found) throw new ApiError('ClientException', definitionNotFound(value))
  return found
}

export function registerJobDefinition(ctx: BatchContext, input: Input): unknown {
  const name = input.jobDefinitionName as string
  if (!NAME.test(name)) throw new ApiError('ClientException', definitionPatternRejected(name))
  if (input.type === 'multinode') {
    checkNodeProperties(input.nodeProperties as NodeProperties | undefined, checkContainerProperties)
  } else if (input.type === 'container') {
    checkContainerProperties(input.containerProperties as ContainerProperties | undefined)
  } else {
    throw new ApiError(
      'ClientException',
      `The emulator runs container and multinode job definitions only, not ${String(input.type)}.`,
    )
  }

  const revisions = ctx.store.jobDefinitions.get(name) ?? []
  // Revisions only go up, even past deregistered ones, as on AWS.
  const revision = (revisions.at(-1)?.revision ?? 0) + 1
  const kept = Object.fromEntries(KEPT.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]))
  const definition: JobDefinitionRecord = {
    containerOrchestrationType: 'ECS',
    ...kept,
    jobDefinitionArn: batchArn(ctx.id, 'job-definition', `${name}:${revision}`),
    jobDefinitionName: name,
    parameters: (input.parameters as Record<string, string>) ?? {},
    platformCapabilities: (input.platformCapabilities as string[]) ?? ['EC2'],
    revision,
    status: 'ACTIVE',
    tags: (input.tags as Record<string, string>) ?? {},
    type: input.type as string,
  }
  revisions.push(definition)
  ctx.store.jobDefinitions.set(name, revisions)
  ctx.store.saveControl()
  return {jobDefinitionArn: definition.jobDefinitionArn, jobDefinitionName: name, revision}
}

/** What AWS insists on for a container definition (moto's wording, a second opinion where AWS's is unknown). */
function checkContainerProperties(container: ContainerProperties | undefined): void {
  if (container === undefined) throw new ApiError('ClientException', 'containerProperties must be provided')
  if (container.image === undefined) throw new ApiError('ClientException', 'containerProperties must contain image')
  checkResourceRequirements(container.resourceRequirements)
  const has = (type: string, legacy: number | undefined): boolean =>
    legacy !== undefined || (container.resourceRequirements ?? []).some((r) => r.type === type)
  if (!has('MEMORY', container.memory)) throw new ApiError('ClientException', 'containerProperties must contain memory')
  if (!has('VCPU', container.vcpus)) throw new ApiError('ClientException', 'containerProperties must contain vcpus')
}

export function describeJobDefinitions(ctx: BatchContext, input: Input): unknown {
  const wanted = input.jobDefinitions as string[] | undefined
  if (wanted?.length && input.maxResults !== undefined) throw new ApiError('ClientException', bothSet('JobDefinitions'))
  let selected = [...ctx.store.jobDefinitions.values()].flat()
  if (wanted?.length) {
    const refs = wanted.map((w) => parseDefinitionRef(w))
    selected = selected.filter((d) =>
      refs.some(
        (r) =>
          (r.kind === 'latest' && r.name === d.jobDefinitionName) ||
          (r.kind === 'revision' && r.name === d.jobDefinitionName && r.revision === d.revision),
      ),
    )
  }

  if (input.jobDefinitionName !== undefined)
    selected = selected.filter((d) => d.jobDefinitionName === input.jobDefinitionName)
  if (input.status !== undefined) selected = selected.filter((d) => d.status === input.status)
  const page = pageByOffset(
    selected,
    input.maxResults as number | undefined,
    input.nextToken as string | undefined,
    100,
  )
  return {jobDefinitions: page.items, nextToken: page.nextToken}
}

export function deregisterJobDefinition(ctx: BatchContext, input: Input): unknown {
  const value = input.jobDefinition as string
  const ref = parseDefinitionRef(value)
  if (ref.kind !== 'revision') {
    throw new ApiError(
      'ClientException',
      `Give the job definition to deregister as name:revision or ARN, not ${value}.`,
    )
  }

  const found = ctx.store.jobDefinitions.get(ref.name)?.find((d) => d.revision === ref.revision)
  if (!found) throw new ApiError('ClientException', definitionNotFound(value))
  found.status = 'INACTIVE'
  ctx.store.saveControl()
  return {}
}
