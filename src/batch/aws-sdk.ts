/**
 * The AWS SDK modules of the Batch and CloudWatch Logs clients, in one module that clients.ts loads with
 * `await import()` on the first AWS call. `npm run build` makes it a file of its own (dist/chunks/aws-sdk.js), so a
 * command that makes no AWS call (`--help`, `--dry-run`, `config`) never reads the SDK.
 */
export * as batch from '@aws-sdk/client-batch'
export * as logs from '@aws-sdk/client-cloudwatch-logs'
export * as protocols from '@aws-sdk/core/protocols'
