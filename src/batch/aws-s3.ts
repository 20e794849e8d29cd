/**
 * The S3 side of the SDK (client, multipart upload, presigner), loaded only by `submit --package`: its own file in
 * the build (dist/chunks/aws-s3.js), as aws-sdk.ts is for Batch and Logs.
 */
export * as s3 from '@aws-sdk/client-s3'
export * as storage from '@aws-sdk/lib-storage'
export * as presigner from '@aws-sdk/s3-request-presigner'
