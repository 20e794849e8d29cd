import {ApiError} from '../../contract'
import {Input} from '../context'
import {pageByOffset} from '../paging'
import {bothSet} from '../reasons'

/**
 * DescribeComputeEnvironments and DescribeJobQueues share one contract: either a list of names or ARNs, or a page
 * (maxResults/nextToken, 100 by default), never both.
 */
export function describePage<T>(
  all: readonly T[],
  input: Input,
  member: 'computeEnvironments' | 'jobQueues',
  keys: (item: T) => readonly string[],
): {items: T[]; nextToken?: string} {
  const wanted = input[member] as string[] | undefined
  const what = member[0].toUpperCase() + member.slice(1)
  if (wanted?.length && input.maxResults !== undefined) throw new ApiError('ClientException', bothSet(what))
  const selected = wanted?.length ? all.filter((item) => keys(item).some((key) => wanted.includes(key))) : all
  return pageByOffset(selected, input.maxResults as number | undefined, input.nextToken as string | undefined, 100)
}
