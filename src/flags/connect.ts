import {Flags} from '@oclif/core'

/**
 * The connection flags every command that reaches AWS shares, next to the AWS flags (`--region`, `--profile`,
 * `--endpoint-url`) of src/flags/aws.ts.
 */
export const connectFlags = {
  local: Flags.boolean({
    description:
      'Use the local emulator (127.0.0.1:4589, or the port in MFBATCH_EMULATOR_PORT), starting it in the background ' +
      'if none answers.',
    helpGroup: 'AWS',
  }),
  verbose: Flags.boolean({
    description: 'List each AWS API call on stderr: operation, outcome, duration (never values or credentials).',
    helpGroup: 'AWS',
  }),
}
