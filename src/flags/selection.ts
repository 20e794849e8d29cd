import {Flags} from '@oclif/core'

import {JOB_STATES} from '../batch/jobs/query'
import {invalid} from '../errors'

const STATE_ALLOWED = `use one of ${JOB_STATES.join(', ')} or all`

/**
 * A --state value in the form oclif checks against `options`: the status in capitals, or `all`. Typed in any case
 * (`--state failed`), as before the flag listed its options (which shells complete from the manifest).
 */
function stateOption(input: string): string {
  const upper = input.trim().toUpperCase()
  if (upper === 'ALL') return 'all'
  if ((JOB_STATES as readonly string[]).includes(upper)) return upper
  throw invalid('--state', input, STATE_ALLOWED)
}

/** The flags `status` and `kill` share to choose jobs by queue instead of by id. */
export const selectionFlags = {
  limit: Flags.integer({
    description: 'At most this many jobs, the newest first.',
    helpGroup: 'SELECT',
    helpValue: 'N',
    min: 1,
  }),
  name: Flags.string({
    description: 'Only jobs whose name starts with this, or matches this glob (* and ?), ignoring case.',
    helpGroup: 'SELECT',
    helpValue: 'PREFIX|GLOB',
  }),
  queue: Flags.string({
    description: 'Choose the jobs of this job queue (name or ARN) instead of giving ids.',
    helpGroup: 'SELECT',
    helpValue: 'QUEUE',
  }),
  since: Flags.string({
    description: 'Only jobs created since then: a duration back from now (30m, 2h, 1d) or an ISO date/time.',
    helpGroup: 'SELECT',
    helpValue: '2h|ISO',
  }),
  state: Flags.string({
    delimiter: ',',
    description:
      'Only jobs in this status (repeatable, or comma-separated; any case): SUBMITTED, PENDING, RUNNABLE, ' +
      'STARTING, RUNNING, SUCCEEDED, FAILED, or all. Default: the five statuses of jobs not yet finished.',
    helpGroup: 'SELECT',
    helpValue: 'STATUS',
    multiple: true,
    options: [...JOB_STATES, 'all'],
    // Runs before oclif compares the value with `options` (the delimiter form checks parsed values).
    parse: async (input) => stateOption(input),
  }),
}
