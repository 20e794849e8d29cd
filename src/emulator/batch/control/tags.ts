/** TagResource, UntagResource, ListTagsForResource for jobs, job definitions, job queues and compute environments. */
import {ApiError} from '../../contract'
import {parseBatchArn} from '../arn'
import {BatchContext, Input} from '../context'
import {Tags} from '../types'
import {parseDefinitionRef} from './definitions'

/** A resource that carries tags, and how to persist a change to them (control file, or the jobs journal). */
interface Tagged {
  holder: {tags: Tags}
  touch(): void
}

function findTagged(ctx: BatchContext, arn: string): Tagged {
  const parsed = parseBatchArn(arn)
  const notFound = new ApiError('ClientException', `Resource ${arn} does not exist.`)
  if (!parsed) throw notFound
  const controlled = (holder: undefined | {tags: Tags}): Tagged => {
    if (!holder) throw notFound
    return {holder, touch: () => ctx.store.saveControl()}
  }

  switch (parsed.resource) {
    case 'compute-environment': {
      return controlled(ctx.store.computeEnvironments.get(parsed.rest))
    }

    case 'job': {
      const job = ctx.store.jobs.get(parsed.rest)
      if (!job) throw notFound
      return {holder: job, touch: () => ctx.store.touch(job)}
    }

    case 'job-definition': {
      const ref = parseDefinitionRef(parsed.rest)
      if (ref.kind !== 'revision') throw notFound
      return controlled(ctx.store.jobDefinitions.get(ref.name)?.find((d) => d.revision === ref.revision))
    }

    case 'job-queue': {
      return controlled(ctx.store.jobQueues.get(parsed.rest))
    }

    default: {
      throw notFound
    }
  }
}

export function tagResource(ctx: BatchContext, input: Input): unknown {
  const tagged = findTagged(ctx, input.resourceArn as string)
  tagged.holder.tags = {...tagged.holder.tags, ...(input.tags as Tags)}
  tagged.touch()
  ctx.store.flush()
  return {}
}

export function untagResource(ctx: BatchContext, input: Input): unknown {
  const tagged = findTagged(ctx, input.resourceArn as string)
  const drop = new Set(input.tagKeys as string[])
  tagged.holder.tags = Object.fromEntries(Object.entries(tagged.holder.tags).filter(([k]) => !drop.has(k)))
  tagged.touch()
  ctx.store.flush()
  return {}
}

export function listTagsForResource(ctx: BatchContext, input: Input): unknown {
  return {tags: {...findTagged(ctx, input.resourceArn as string).holder.tags}}
}
