/**
 * The AWS SDK modules of the Batch and CloudWatch Logs clients, in one module that clients.ts loads with
 * `await import()` on the first AWS call. `npm run build` makes it a file of its own (dist/chunks/aws-sdk.js), so a
 * command that makes no AWS call (`--help`, `--dry-run`, `config`) never reads the SDK. Only what clients.ts uses
 * is named here: the build takes the SDK's ES modules, so the other operations of both services (and their schemas)
 * stay out of the chunk that every AWS call loads (bench/README.md, B2).
 */
export {
  BatchClient,
  CancelJobCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  GetJobQueueSnapshotCommand,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
  TerminateJobsCommand,
} from '@aws-sdk/client-batch'
export {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'
export {AwsJson1_1Protocol as JsonProtocol} from '@aws-sdk/core/protocols'
