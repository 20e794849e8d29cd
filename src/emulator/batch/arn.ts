/** ARNs of the emulated account, and telling a name from an ARN the way AWS's "name or ARN" members do. */

export interface Identity {
  accountId: string
  region: string
}

export type BatchResource = 'compute-environment' | 'consumable-resource' | 'job' | 'job-definition' | 'job-queue'

export const batchArn = (id: Identity, resource: BatchResource, name: string): string =>
  `arn:aws:batch:${id.region}:${id.accountId}:${resource}/${name}`

export const ecsArn = (id: Identity, resource: string, name: string): string =>
  `arn:aws:ecs:${id.region}:${id.accountId}:${resource}/${name}`

/** `arn:aws:batch:<region>:<account>:<resource>/<rest>` → {resource, rest}; anything else → undefined. */
export function parseBatchArn(value: string): undefined | {resource: string; rest: string} {
  const match = /^arn:aws[\w-]*:batch:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(value)
  return match ? {resource: match[1], rest: match[2]} : undefined
}

/** The name a "name or ARN" member refers to, when the ARN is of the expected resource type. */
export function nameFrom(value: string, resource: BatchResource): string {
  const arn = parseBatchArn(value)
  return arn && arn.resource === resource ? arn.rest : value
}
