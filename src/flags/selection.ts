import {Flags} from '@oclif/core'

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
    description:
      'Only jobs in this status (repeatable, or comma-separated): SUBMITTED, PENDING, RUNNABLE, STARTING, ' +
      'RUNNING, SUCCEEDED, FAILED, or all. Default: the five statuses of jobs not yet finished.',
    helpGroup: 'SELECT',
    helpValue: 'STATUS',
    multiple: true,
  }),
}
