import type {RecentResolver} from '../history/recent'

import {invalid} from '../../errors'
import {recentIndex} from '../history/recent'

/**
 * Job ids as users type them, checked before any API call: a UUID, an array child `UUID:N`, a node of a
 * multi-node job `UUID#N` (AWS's own notation, user guide "Multi-node parallel jobs"), or a job ARN
 * (`arn:aws:batch:REGION:ACCOUNT:job/UUID[:N]`, any partition). ARNs are reduced to the id, which is what
 * DescribeJobs and TerminateJob take, so the same job given twice in two spellings is asked for once.
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const SUFFIX = String.raw`(?::\d{1,4}|#\d{1,3})?`
const ID = new RegExp(`^${UUID}${SUFFIX}$`, 'i')
const ARN = new RegExp(`^arn:aws[a-z-]*:batch:[a-z0-9-]*:\\d*:job/(${UUID}${SUFFIX})$`, 'i')

/** The job id in `value`, lower-cased, or undefined when it is neither a job id nor a job ARN. */
export function jobIdIn(value: string): string | undefined {
  const text = value.trim()
  return (ID.test(text) ? text : ARN.exec(text)?.[1])?.toLowerCase()
}

/**
 * The job id in `value`, lower-cased; an InputError naming the value otherwise. `last` and `last~N` are read through
 * `recent` (the local history of submits), where the command takes them, with a child or node suffix too (`last:0`).
 */
export function parseJobId(value: string, source = 'job id', recent?: RecentResolver): string {
  // `last:2` is child 2 of the last array job, `last~1#0` node 0 of the multi-node job before it.
  const [, reference = value, member = ''] = /^(.*?)((?::\d{1,4}|#\d{1,3})?)$/.exec(value.trim()) ?? []
  const back = recentIndex(reference)
  if (back !== undefined) {
    if (!recent) throw invalid(source, value, 'last is not taken here; give a job id')
    const id = recent(back, source, value)
    if (member !== '' && jobIdIn(id) !== undefined && /[#:]\d+$/.test(id)) {
      throw invalid(source, value, `${reference} is ${id}, one job of its own; give ${reference} alone`)
    }

    return `${id}${member}`
  }

  const id = jobIdIn(value)
  if (!id) throw invalid(source, value, 'use a job id (a UUID, or UUID:N for an array child) or a job ARN')
  return id
}

/** Every value parsed (the first bad one throws), duplicates removed, first-seen order kept. */
export function parseJobIds(values: readonly string[], source = 'job id', recent?: RecentResolver): string[] {
  return [...new Set(values.map((value) => parseJobId(value, source, recent)))]
}
