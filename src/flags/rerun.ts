/**
 * The flags of `mfbatch rerun`: each one changes one part of the old job; a part no flag names is the old job's.
 * Unlike submit's, they read no environment variable or config file: a rerun is the old job, not today's settings.
 */
import {Flags} from '@oclif/core'

import {awsFlags} from './aws'
import {connectFlags} from './connect'
import {submitFlags} from './submit'

const CHANGE = 'CHANGES'
const DEFINITION = 'CHANGES TO THE JOB DEFINITION'
const PACKAGE = 'CODE PACKAGE'

function change(summary: string, helpValue: string, helpGroup = CHANGE) {
  return Flags.string({helpGroup, helpValue, summary})
}

function changes(summary: string, helpValue: string) {
  // Not greedy: `rerun --tag a=b JOB` keeps JOB as the job.
  return Flags.string({helpGroup: CHANGE, helpValue, multiple: true, multipleNonGreedy: true, summary})
}

export const rerunFlags = {
  ...awsFlags,
  ...connectFlags,
  'array-size': change('Run as an array job of N children, 2..10000 (default: the job’s own size, if any).', 'N'),
  cpu: change('vCPUs, fractions allowed (default: the job’s).', 'N'),
  'dry-run': Flags.boolean({
    summary:
      'Print the requests as JSON (SubmitJob, and RegisterJobDefinition when the definition changes); submit ' +
      'nothing. Reads the old job (DescribeJobs). Secret-looking values and passwords in URLs show as **** (exact with --json).',
  }),
  env: changes(
    'Set this variable, over the job’s own (repeatable); names starting with AWS_BATCH are reserved.',
    'NAME=VALUE',
  ),
  'execution-role': change('Task execution role ARN (default: the job’s).', 'ARN', DEFINITION),
  failed: Flags.boolean({
    summary:
      'Only the FAILED children of an array job, as a new array (a plain job for one): their rows of a --tasks ' +
      'table, else their original AWS_BATCH_JOB_ARRAY_INDEX.',
  }),
  follow: submitFlags.follow,
  gpu: change('GPUs, a whole number; 0 for none; not on Fargate (default: the job’s).', 'N'),
  'iam-role': change('Job role ARN (default: the job’s).', 'ARN', DEFINITION),
  image: change('Container image (default: the job’s).', 'IMAGE', DEFINITION),
  'kill-on-interrupt': submitFlags['kill-on-interrupt'],
  memory: change('Memory: MiB, or a size such as 16GiB or 512MiB (default: the job’s).', 'SIZE'),
  name: change('Job name: up to 128 letters, digits, - and _ (default: the job’s).', 'NAME'),
  package: Flags.boolean({
    helpGroup: PACKAGE,
    summary:
      'Ship the working directory as submit --package does, in place of the job’s package (or around its command).',
  }),
  'package-dir': submitFlags['package-dir'],
  'package-exclude': Flags.string({
    helpGroup: PACKAGE,
    helpValue: 'GLOB',
    multiple: true,
    // Not greedy: `rerun --package-exclude data/ JOB` keeps JOB as the job.
    multipleNonGreedy: true,
    summary: submitFlags['package-exclude'].summary,
  }),
  'package-max-size': submitFlags['package-max-size'],
  'package-root': Flags.string({
    helpGroup: PACKAGE,
    helpValue: 's3://BUCKET/PREFIX',
    summary:
      'Where the package goes (default: beside the job’s own package, else as for submit: ' +
      'METAFLOW_DATASTORE_SYSROOT_S3, or the emulator’s bucket with --local).',
  }),
  queue: change('Job queue name or ARN (default: the job’s).', 'QUEUE'),
  quiet: submitFlags.quiet,
  retries: change('Retries after a failed attempt, 0..9 (default: the job’s).', 'N'),
  'shared-memory': change(
    '/dev/shm size: MiB, or a size such as 1GiB; EC2 only (default: the job’s).',
    'SIZE',
    DEFINITION,
  ),
  tag: changes('Add or replace this tag (repeatable); the job’s own tags are kept.', 'KEY=VALUE'),
  timeout: change('Time limit per attempt: seconds (at least 60) or 90m, 1h30m, 2d (default: the job’s).', 'DURATION'),
  wait: submitFlags.wait,
  'wait-timeout': submitFlags['wait-timeout'],
}
