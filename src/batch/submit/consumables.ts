/**
 * `--consumable NAME=N` (repeatable): the consumable resources (licences, tokens) a job holds while it runs, sent as
 * SubmitJob's consumableResourcePropertiesOverride. Batch keeps the job RUNNABLE until N of NAME are free.
 */
import type {ConsumableResourceRequirement} from '@aws-sdk/client-batch'

import type {Sourced} from '../../config/types'

import {InputError, invalid} from '../../errors'
import {stringList} from '../parse/values'

/** "You can specify up to 5 resources for each job" (AWS Batch user guide, resource-aware scheduling). */
export const MAX_CONSUMABLES = 5
const ALLOWED = 'use NAME=N: a consumable resource name or ARN and a whole number of at least 1, such as licence=2'
const NAME = /^([\w-]{1,128}|arn:aws[\w-]*:batch:[\w-]+:\d{12}:consumable-resource\/[\w-]{1,128})$/

export function buildConsumables(s?: Sourced): ConsumableResourceRequirement[] | undefined {
  const items = stringList(s, ALLOWED)
  if (items.length === 0) return undefined
  const {label} = s!.origin
  if (items.length > MAX_CONSUMABLES) {
    throw new InputError(
      `${label}: ${items.length} consumable resources is too many; AWS Batch allows ${MAX_CONSUMABLES}`,
    )
  }

  const seen = new Set<string>()
  return items.map((item) => {
    const at = item.lastIndexOf('=')
    const name = item.slice(0, at)
    const count = item.slice(at + 1)
    if (at < 1 || !NAME.test(name) || !/^\d+$/.test(count) || Number(count) < 1) throw invalid(label, item, ALLOWED)
    if (seen.has(name)) throw invalid(label, item, `${name} is given twice; give each resource once`)
    seen.add(name)
    return {consumableResource: name, quantity: Number(count)}
  })
}
