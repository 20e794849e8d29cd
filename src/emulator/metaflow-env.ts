/**
 * `mfbatch emulator env --metaflow`: the METAFLOW_* variables that point Metaflow's `@batch` at the emulator, beside
 * the AWS ones (Metaflow's Batch client is boto3 and honours AWS_ENDPOINT_URL; its S3 client takes
 * METAFLOW_S3_ENDPOINT_URL and hands it on to the job). Names as metaflow/metaflow_config.py reads them: the
 * datastore in the bucket the emulator makes at start, the metadata kept locally (no metadata service), the
 * emulator's EC2 queue, a job role (Metaflow requires one; the emulator gives every job the same credentials) and a
 * task execution role, without which Metaflow's client refuses a step sent to the Fargate queue before submitting it.
 */
import {EMULATOR_ACCOUNT_ID, EMULATOR_METAFLOW_BUCKET} from './contract'
import {shellQuote} from './shell-env'

export type MetaflowEnvironment = Record<
  | 'METAFLOW_BATCH_JOB_QUEUE'
  | 'METAFLOW_DATASTORE_SYSROOT_S3'
  | 'METAFLOW_DEFAULT_DATASTORE'
  | 'METAFLOW_DEFAULT_METADATA'
  | 'METAFLOW_ECS_FARGATE_EXECUTION_ROLE'
  | 'METAFLOW_ECS_S3_ACCESS_IAM_ROLE'
  | 'METAFLOW_S3_ENDPOINT_URL',
  string
>

/** The queue of the emulator's EC2 compute environment (batch/control/defaults.ts). */
const QUEUE = 'local'

export function metaflowEnvironment(endpoint: string): MetaflowEnvironment {
  return {
    METAFLOW_BATCH_JOB_QUEUE: QUEUE,
    METAFLOW_DATASTORE_SYSROOT_S3: `s3://${EMULATOR_METAFLOW_BUCKET}/metaflow`,
    METAFLOW_DEFAULT_DATASTORE: 's3',
    METAFLOW_DEFAULT_METADATA: 'local',
    METAFLOW_ECS_FARGATE_EXECUTION_ROLE: `arn:aws:iam::${EMULATOR_ACCOUNT_ID}:role/mfbatch-emulator-execution`,
    METAFLOW_ECS_S3_ACCESS_IAM_ROLE: `arn:aws:iam::${EMULATOR_ACCOUNT_ID}:role/mfbatch-emulator-job`,
    METAFLOW_S3_ENDPOINT_URL: endpoint,
  }
}

/** `export` lines in name order. */
export function metaflowExportLines(env: MetaflowEnvironment): string[] {
  return Object.entries(env)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
}
