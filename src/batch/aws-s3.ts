/**
 * The S3 side of the SDK (client, multipart upload, presigner), loaded only by `submit --package`: its own file in
 * the build (dist/chunks/aws-s3.js), as aws-sdk.ts is for Batch and Logs, and like it naming only what clients.ts
 * uses, so that the build leaves the rest of S3 out.
 */
export {GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
export {Upload} from '@aws-sdk/lib-storage'
export {getSignedUrl} from '@aws-sdk/s3-request-presigner'
