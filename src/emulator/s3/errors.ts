/** S3's errors as values: thrown inside an operation, answered in S3's XML by the service. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra elements of the error document (`Key`, `BucketName`, `RangeRequested`, ...) and headers. */
    readonly detail: {fields?: Record<string, string>; headers?: Record<string, string>} = {},
  ) {
    super(message)
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, {fields: {BucketName: bucket}})

export const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', 404, {fields: {Key: key}})

export const noSuchUpload = (id: string) =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    {fields: {UploadId: id}},
  )

export const notImplemented = (what: string) =>
  new S3Error(
    'NotImplemented',
    `A header or query you provided implies functionality that is not implemented: ${what}`,
    501,
  )

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error('InvalidArgument', message, 400, {
    fields: name === undefined ? {} : {ArgumentName: name, ArgumentValue: value ?? ''},
  })

export const malformedXml = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  )
